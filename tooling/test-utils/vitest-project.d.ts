import type { UserWorkspaceConfig } from 'vitest/config';
export declare function softwareVulkanEnv(): Record<string, string>;
export declare function attentionZooProject(name: string, overrides?: UserWorkspaceConfig['test']): UserWorkspaceConfig;
