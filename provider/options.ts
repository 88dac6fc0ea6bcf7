/**
 * How the component provider is hosted: the package name and version of the repository's
 * package.json, and every ComponentResource class that the library entry (lib.ts) exports. The
 * schema script, the tests and the plugin entry (provider/index.ts) share these options, so a
 * component added to lib.ts is in the schema and in the provider without another list.
 *
 * The analyzer reads this folder's package.json (`main: index.ts`, hence lib.ts) and
 * tsconfig.json (lib.ts and what it imports, nothing of the tests): the repository's own
 * package.json points at the compiled dist/lib.js, whose TypeScript source the analyzer would
 * not find.
 */
import * as path from "path";
import {
  ComponentProviderOptions,
  getPulumiComponents,
} from "@pulumi/pulumi/provider/experimental";
import * as lib from "../lib";

/** The repository's package.json (name, version, description). */
export function rootManifest(): { name: string; version: string; description: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, "..", "package.json"));
}

/** The options of `ComponentProvider` / `componentProviderHost` for this package. */
export function providerOptions(): ComponentProviderOptions & { version: string } {
  const manifest = rootManifest();
  return {
    name: manifest.name,
    version: manifest.version,
    dirname: __dirname,
    components: getPulumiComponents(lib),
  };
}
