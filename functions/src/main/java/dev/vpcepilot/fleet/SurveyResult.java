package dev.vpcepilot.fleet;

import java.util.List;

/**
 * What a child execution knows of its target after the survey (and, in apply, after each step): the report lines,
 * one per selected VPC, and what apply still has to do.
 */
public record SurveyResult(String account, String region, List<ReportLine> lines, List<VpcWork> work) {

    public SurveyResult {
        lines = List.copyOf(lines);
        work = work == null ? List.of() : List.copyOf(work);
    }
}
