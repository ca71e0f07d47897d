import type { UserWorkspaceConfig } from 'vitest/config';
export declare function attentionZooProject(name: string, overrides?: UserWorkspaceConfig['test']): UserWorkspaceConfig;
