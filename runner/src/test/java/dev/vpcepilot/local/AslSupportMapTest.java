package dev.vpcepilot.local;

import static dev.vpcepilot.local.TestProject.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpcepilot.local.asl.AslSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The static check of Map states: what the runner accepts, and each refusal naming the state and the field. */
class AslSupportMapTest {

    private static final String DISTRIBUTED = "'ProcessorConfig': {'Mode': 'DISTRIBUTED', 'ExecutionType': 'STANDARD'}";
    private static final String PROCESSOR = "'ItemProcessor': {" + DISTRIBUTED
            + ", 'StartAt': 'T', 'States': {'T': {'Type': 'Task', 'Resource': 'arn:fn', 'End': true}}}";
    private static final String READER = "'Resource': 'arn:aws:states:::s3:getObject', "
            + "'Parameters': {'Bucket': 'b', 'Key': 'k'}";

    private static List<String> problemsOf(String definition) {
        return AslSupport.unsupportedFeatures(json(definition.replace('\'', '"')), resource -> resource.equals("arn:fn"));
    }

    /** A definition whose one state "M" is a Map with the fields given (and End). */
    private static List<String> mapProblems(String fields) {
        return problemsOf("{'StartAt': 'M', 'States': {'M': {'Type': 'Map', " + fields + ", 'End': true}}}");
    }

    @Test
    void aDistributedMapUsingEverySupportedFieldHasNoProblems() {
        assertEquals(List.of(), problemsOf("""
                {'StartAt': 'Fleet', 'States': {
                  'Fleet': {'Type': 'Map', 'Comment': 'c', 'InputPath': '$.run', 'Label': 'Targets',
                    'MaxConcurrencyPath': '$.width', 'ToleratedFailurePercentagePath': '$.pct',
                    'ToleratedFailureCount': 3,
                    'ItemReader': {'Resource': 'arn:aws:states:::s3:getObject',
                      'ReaderConfig': {'InputType': 'JSONL', 'MaxItemsPath': '$.max'},
                      'Parameters': {'Bucket.$': '$.bucket', 'Key.$': '$.key'}},
                    'ItemSelector': {'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'mode.$': '$.mode'},
                    'ItemProcessor': {'ProcessorConfig': {'Mode': 'DISTRIBUTED', 'ExecutionType': 'STANDARD'},
                      'StartAt': 'Work', 'States': {
                        'Work': {'Type': 'Task', 'Resource': 'arn:fn', 'Retry': [{'ErrorEquals': ['States.ALL']}],
                          'Catch': [{'ErrorEquals': ['States.ALL'], 'Next': 'Failed'}], 'Next': 'Check'},
                        'Check': {'Type': 'Choice', 'Choices': [{'Variable': '$.ok', 'BooleanEquals': true,
                          'Next': 'Done'}], 'Default': 'Failed'},
                        'Done': {'Type': 'Succeed'},
                        'Failed': {'Type': 'Fail', 'Error': 'TargetFailed'}}},
                    'ResultWriter': {'Resource': 'arn:aws:states:::s3:putObject',
                      'Parameters': {'Bucket.$': '$.bucket', 'Prefix': 'results'}},
                    'ResultSelector': {'manifest.$': '$.ResultWriterDetails.Key'}, 'ResultPath': '$.map',
                    'OutputPath': '$', 'Retry': [{'ErrorEquals': ['States.ItemReaderFailed'], 'MaxAttempts': 1}],
                    'Catch': [{'ErrorEquals': ['States.ExceedToleratedFailureThreshold'], 'ResultPath': '$.error',
                      'Next': 'TooMany'}], 'Next': 'Report'},
                  'Report': {'Type': 'Succeed'},
                  'TooMany': {'Type': 'Fail', 'Error': 'TooMany'}}}
                """));
    }

    @Test
    void anInlineMapAndOneWithoutProcessorConfigHaveNoProblems() {
        assertEquals(List.of(), mapProblems("'ItemsPath': '$.items', 'MaxConcurrency': 5, 'ItemProcessor': {"
                + "'ProcessorConfig': {'Mode': 'INLINE'}, 'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}}"));
        assertEquals(List.of(), mapProblems("'ItemsPath': '$$.Execution.Input.items', 'ItemProcessor': {"
                + "'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}}"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // Map features the local runner refuses, each with its reason
            "'ItemBatcher': {'MaxItemsPerBatch': 10}, PROCESSOR | State \"M\" (Map): field ItemBatcher (batching a Map's items into child executions) is not supported by the local runner",
            "'Iterator': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}}, PROCESSOR | field Iterator (the deprecated name of a Map's ItemProcessor) is not supported",
            "'Parameters': {'a': 1}, PROCESSOR | field Parameters (the deprecated name of a Map's ItemSelector) is not supported by the local runner; use ItemSelector",
            "'ItemProcessor': {'ProcessorConfig': {'Mode': 'DISTRIBUTED', 'ExecutionType': 'EXPRESS'}, 'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | ItemProcessor.ProcessorConfig.ExecutionType EXPRESS (Express child workflows: at-least-once, at most 5 minutes, no history of their own) is not supported by the local runner; use STANDARD",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'CSV', 'CSVHeaderLocation': 'FIRST_ROW'}}, PROCESSOR | ItemReader.ReaderConfig.InputType CSV is not supported by the local runner (JSON and JSONL are)",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'CSV', 'CSVHeaderLocation': 'FIRST_ROW'}}, PROCESSOR | ItemReader.ReaderConfig: field CSVHeaderLocation is not supported by the local runner",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'PARQUET'}}, PROCESSOR | InputType PARQUET is not supported",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'MANIFEST'}}, PROCESSOR | InputType MANIFEST is not supported",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'JSON', 'ItemsPointer': '/a'}}, PROCESSOR | ItemReader.ReaderConfig: field ItemsPointer is not supported",
            "'ItemReader': {'Resource': 'arn:aws:states:::s3:listObjectsV2', 'Parameters': {'Bucket': 'b', 'Key': 'k'}, 'ReaderConfig': {'InputType': 'JSON'}}, PROCESSOR | ItemReader.Resource arn:aws:states:::s3:listObjectsV2 (the objects of a bucket as items) is not supported by the local runner",
            "'ItemReader': {'Resource': 'arn:aws:states:::s3:getObject', 'Parameters': {'Bucket': 'b', 'Key': 'k', 'VersionId': 'v'}, 'ReaderConfig': {'InputType': 'JSON'}}, PROCESSOR | ItemReader.Parameters: field VersionId is not supported by the local runner",
            "'ResultWriter': {'WriterConfig': {'Transformation': 'FLATTEN', 'OutputType': 'JSON'}}, PROCESSOR | ResultWriter: field WriterConfig (output transformations and JSON Lines results) is not supported by the local runner",
            "'ItemProcessor': {'StartAt': 'N', 'States': {'N': {'Type': 'Map', 'ItemProcessor': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}}, 'End': true}}} | State \"M\" > State \"N\" (Map): a Map state inside a Map's ItemProcessor is not supported by the local runner",
            // not valid
            "'ItemsPath': '$.a' | State \"M\" (Map): ItemProcessor must be an object with StartAt and States",
            "'ItemProcessor': {'ProcessorConfig': {'Mode': 'DISTRIBUTED'}, 'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | ItemProcessor.ProcessorConfig.ExecutionType is required in DISTRIBUTED mode",
            "'ItemProcessor': {'ProcessorConfig': {'Mode': 'PARALLEL'}, 'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED",
            "'ItemProcessor': {'ProcessorConfig': {'Mode': 'INLINE', 'ExecutionType': 'STANDARD'}, 'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | ExecutionType applies to DISTRIBUTED mode only",
            "'ToleratedFailureCount': 1, 'ItemProcessor': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | field ToleratedFailureCount applies to DISTRIBUTED mode only",
            "'Label': 'L', 'ItemProcessor': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}}} | field Label applies to DISTRIBUTED mode only",
            "'ItemProcessor': {" + "'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'Bogus': 1, 'End': true}}} | State \"M\" > State \"P\" (Pass): unknown field Bogus",
            "'ItemProcessor': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'Next': 'M'}}} | State \"M\" > State \"P\" (Pass): Next \"M\" names no state",
            "'ItemProcessor': {'StartAt': 'P', 'States': {'P': {'Type': 'Pass', 'End': true}, 'Q': {'Type': 'Succeed'}}} | State \"M\" > State \"Q\": not reachable from StartAt",
            "'ItemProcessor': {'StartAt': 'X', 'States': {'P': {'Type': 'Pass', 'End': true}}} | State \"M\" > ItemProcessor: StartAt must name a state",
            "'ItemProcessor': {" + "'StartAt': 'T', 'States': {'T': {'Type': 'Task', 'Resource': 'arn:other', 'End': true}}} | State \"M\" > State \"T\" (Task): Resource 'arn:other' is not a Lambda function of the template",
            "'ItemsPath': '$.a[*]', PROCESSOR | ItemsPath: '$.a[*]' is not a Reference Path",
            "'ItemsPath': '$.a', 'ItemReader': {READER, 'ReaderConfig': {'InputType': 'JSON'}}, PROCESSOR | ItemsPath cannot be used with an ItemReader",
            "'ItemReader': {READER}, PROCESSOR | ItemReader.ReaderConfig must be an object with InputType JSON or JSONL",
            "'ItemReader': {READER, 'ReaderConfig': {}}, PROCESSOR | ItemReader.ReaderConfig.InputType is required (JSON or JSONL)",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'JSON', 'MaxItems': 1, 'MaxItemsPath': '$.m'}}, PROCESSOR | must not have both MaxItems and MaxItemsPath",
            "'ItemReader': {READER, 'ReaderConfig': {'InputType': 'JSON', 'MaxItems': -1}}, PROCESSOR | ItemReader.ReaderConfig.MaxItems must be an integer from 0 to 100000000",
            "'ItemReader': {'Resource': 'arn:aws:states:::s3:getObject', 'Parameters': {'Bucket': 'b'}, 'ReaderConfig': {'InputType': 'JSON'}}, PROCESSOR | ItemReader.Parameters must give Key (or Key.$)",
            "'ItemReader': {'Resource': 'arn:aws:states:::s3:getObject', 'Parameters': {'Bucket.$': 'b', 'Key': 'k'}, 'ReaderConfig': {'InputType': 'JSON'}}, PROCESSOR | ItemReader.Parameters: field 'Bucket.$': 'b' is neither a JSONPath",
            "'ResultWriter': {'Resource': 'arn:aws:states:::s3:getObject', 'Parameters': {'Bucket': 'b'}}, PROCESSOR | ResultWriter.Resource must be arn:aws:states:::s3:putObject",
            "'ResultWriter': {'Resource': 'arn:aws:states:::s3:putObject', 'Parameters': {'Prefix': 'p'}}, PROCESSOR | ResultWriter.Parameters must give Bucket (or Bucket.$)",
            "'ResultWriter': {'Resource': 'arn:aws:states:::s3:putObject', 'Parameters': {'Bucket': 'b', 'Key': 'k'}}, PROCESSOR | ResultWriter.Parameters: unknown field Key (Bucket and Prefix are read)",
            "'MaxConcurrency': -1, PROCESSOR | MaxConcurrency must be an integer from 0",
            "'MaxConcurrency': 2, 'MaxConcurrencyPath': '$.m', PROCESSOR | must not have both MaxConcurrency and MaxConcurrencyPath",
            "'ToleratedFailurePercentage': 101, PROCESSOR | ToleratedFailurePercentage must be a number from 0 to 100",
            "'ToleratedFailurePercentage': 5, 'ToleratedFailurePercentagePath': '$.p', PROCESSOR | must not have both ToleratedFailurePercentage and ToleratedFailurePercentagePath",
            "'ToleratedFailureCountPath': '$.c[0:1]', PROCESSOR | ToleratedFailureCountPath: '$.c[0:1]' is not a Reference Path",
            "'Label': 'has space', PROCESSOR | Label must be 1 to 40 characters without whitespace",
            "'Label': 'a:b', PROCESSOR | Label must be 1 to 40 characters",
            "'Label': '', PROCESSOR | Label must be 1 to 40 characters",
            "'Label': 'L23456789012345678901234567890123456789012', PROCESSOR | Label must be 1 to 40 characters",
            "'ResultSelector': {'a.$': 'nope'}, PROCESSOR | ResultSelector: field 'a.$': 'nope' is neither a JSONPath",
            "'Catch': [{'ErrorEquals': ['States.ExceedToleratedFailureThreshold'], 'Next': 'Nowhere'}], PROCESSOR | Catch #1.Next \"Nowhere\" names no state",
            "'Retry': [{'ErrorEquals': ['States.ItemReaderFailed'], 'MaxAttempts': -1}], PROCESSOR | Retry #1.MaxAttempts must be an integer from 0"})
    void refusesWithAMessageNamingTheMapAndTheField(String fields, String expected) {
        List<String> problems = mapProblems(fields.replace("PROCESSOR", PROCESSOR).replace("READER", READER));
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing <" + expected + "> in " + problems);
    }

    @Test
    void aMapNeedsExactlyOneOfNextAndEnd() {
        List<String> problems = problemsOf("{'StartAt': 'M', 'States': {'M': {'Type': 'Map', " + PROCESSOR + "}}}");
        assertTrue(problems.contains("State \"M\" (Map): must have exactly one of Next and End"), problems.toString());
    }

    @Test
    void stateNamesAreUniqueInsideItemProcessorsTooAndLabelsInTheStateMachine() {
        List<String> problems = problemsOf("""
                {'StartAt': 'A', 'States': {
                  'A': {'Type': 'Map', 'Label': 'Same', 'ItemProcessor': {%1$s, 'StartAt': 'B',
                    'States': {'B': {'Type': 'Pass', 'End': true}}}, 'Next': 'B'},
                  'B': {'Type': 'Map', 'Label': 'Same', 'ItemProcessor': {%1$s, 'StartAt': 'C',
                    'States': {'C': {'Type': 'Pass', 'End': true}}}, 'End': true}}}
                """.formatted(DISTRIBUTED));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("State \"B\": the name is used by another state")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("Label \"Same\" is used by another Map state")),
                problems.toString());
    }
}
