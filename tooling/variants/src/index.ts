// @attention-zoo/variants — every published package of the workspace, imported: importing this
// module runs each package's `registerAttention` calls, so `listAttentions()` holds every variant
// and core's fixture-handler table every package's cases. The tour, the benchmark, the trainer,
// the fixture runner and the demo load variants through it. Its list is generated from
// packages/*/package.json (`pnpm variants:sync`; the scaffold runs it for a new package).
import { VARIANT_PACKAGES } from './packages.generated.js';

export { VARIANT_PACKAGES };

/** The name of one published package of the workspace. */
export type VariantPackage = (typeof VARIANT_PACKAGES)[number];
