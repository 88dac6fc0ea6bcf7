/**
 * Where the tests, scripts and benchmarks find the CloudTrail fixtures: inside the repository
 * (tests/fixtures/cloudtrail, with their licence and provenance), never beside it.
 */
import * as path from "path";

export const FIXTURES_DIR = path.resolve(__dirname, "..", "fixtures");

/** Panther's public rule-test records (Apache-2.0): tests/fixtures/cloudtrail/panther. */
export const PANTHER_DIR = path.join(FIXTURES_DIR, "cloudtrail", "panther");
