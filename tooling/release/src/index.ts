export { checkManifest, RULES, API_DOCS_LINK, REQUIRED_KEYWORDS, TFJS_PEERS } from './manifest-rules.js';
export type { RuleContext } from './manifest-rules.js';
export { declaredSideEffect, requiredEntries, sideEffectfulModules } from './side-effects.js';
export type { SideEffect } from './side-effects.js';
export { publishedPackages, readJson, ROOT } from './workspace.js';
export type { Manifest, WorkspacePackage } from './workspace.js';
export { privateWorkspaceNames } from './private-names.js';
