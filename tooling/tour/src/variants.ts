// The packages whose registrations the tour shows. A variant package adds its
// name here (and to this package's dependencies) when it lands.
export const VARIANT_PACKAGES = ['@attention-zoo/attention-core', '@attention-zoo/sparse-patterns'] as const;
