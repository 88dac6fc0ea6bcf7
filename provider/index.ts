/**
 * The component provider of aws-security-watch (PulumiPlugin.yaml `main`): what a Python, Go,
 * C#, Java or YAML program runs after `pulumi package add`. It serves every component that
 * lib.ts exports, with the schema Pulumi's analyzer infers from their args interfaces.
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { providerOptions } from "./options";

void componentProviderHost(providerOptions());
