package dev.vpcepilot.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Reads a CloudFormation / SAM template written in YAML into a Jackson tree, turning the short-form intrinsic
 * function tags into their long JSON form, exactly as CloudFormation does: {@code !Ref X} becomes
 * {@code {"Ref": "X"}}, {@code !Condition X} becomes {@code {"Condition": "X"}}, {@code !GetAtt A.B} becomes
 * {@code {"Fn::GetAtt": ["A", "B"]}} and every other {@code !Name value} becomes {@code {"Fn::Name": value}}, so
 * any valid template parses. Timestamps stay strings (CloudFormation has no date type) and duplicate keys are an
 * error, as they are for CloudFormation.
 */
public final class CfnYaml {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CfnYaml() {
    }

    public static JsonNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TemplateException("Cannot read the template " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (TemplateException e) {
            throw new TemplateException(file + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode parse(String yamlText) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Yaml yaml = new Yaml(new CfnConstructor(options), new Representer(dumperOptions), dumperOptions, options);
        Object document;
        try {
            document = yaml.load(yamlText);
        } catch (YAMLException e) {
            throw new TemplateException("not valid YAML: " + e.getMessage(), e);
        }
        if (!(document instanceof Map<?, ?>)) {
            throw new TemplateException("a template must be a YAML mapping at the top level");
        }
        return MAPPER.valueToTree(document);
    }

    /** SafeConstructor plus the CloudFormation tags; every "!" tag not listed is a {@code Fn::<Name>} function. */
    private static final class CfnConstructor extends SafeConstructor {

        CfnConstructor(LoaderOptions options) {
            super(options);
            // CloudFormation has no timestamp type: 2010-09-09 unquoted is the string "2010-09-09"
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            this.yamlConstructors.put(new Tag("!Ref"), new Wrapping("Ref"));
            this.yamlConstructors.put(new Tag("!Condition"), new Wrapping("Condition"));
            this.yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
            this.yamlMultiConstructors.put("!", new AnyFunction());
        }

        private Object constructAny(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                List<Object> list = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    list.add(constructObject(item));
                }
                return list;
            }
            Map<Object, Object> map = new LinkedHashMap<>();
            constructMapping2ndStep((MappingNode) node, map);
            return map;
        }

        /** {@code !Ref X} and {@code !Condition X}: the value under a fixed key. */
        private final class Wrapping extends AbstractConstruct {
            private final String key;

            Wrapping(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                return Map.of(key, constructAny(node));
            }
        }

        /** {@code !GetAtt Resource.Attribute} (split at the first dot) or {@code !GetAtt [Resource, Attribute]}. */
        private final class GetAtt extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                Object value = constructAny(node);
                if (value instanceof String text) {
                    int dot = text.indexOf('.');
                    if (dot <= 0 || dot == text.length() - 1) {
                        throw new YAMLException("!GetAtt " + text + " is not of the form Resource.Attribute");
                    }
                    value = List.of(text.substring(0, dot), text.substring(dot + 1));
                }
                return Map.of("Fn::GetAtt", value);
            }
        }

        /** {@code !Sub}, {@code !If}, {@code !Join}, ...: {@code {"Fn::<Name>": value}}. */
        private final class AnyFunction extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String name = node.getTag().getValue().substring(1);
                if (name.isEmpty() || !name.chars().allMatch(Character::isLetterOrDigit)) {
                    throw new YAMLException("unknown tag " + node.getTag().getValue());
                }
                return Map.of("Fn::" + name, constructAny(node));
            }
        }
    }
}
