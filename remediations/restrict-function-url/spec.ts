/** restrict-function-url: Require IAM authentication on a public function URL. */
import type { RemediationSpec } from "../spec";
import { createRestrictFunctionUrlHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "restrict-function-url",
  key: "RestrictFunctionUrl",
  title: "Require IAM authentication on a public function URL",
  factory: createRestrictFunctionUrlHandler,
  statements,
  settings: {},
  detections: ["lambda-function-url-public"],
  docs: {
    undoes: "a function URL with AuthType NONE (set to AWS_IAM; the URL stays)",
    neverTouches: "the URL's CORS settings, the function, its resource policy",
    roleCanStill:
      "change the auth type and CORS of any function URL of the account in the region: Lambda has no condition key on the auth type set",
  },
};
