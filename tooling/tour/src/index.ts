export { formatTourLine, loadVariantPackages, runTour } from './tour.js';
export type { TourLine, TourOptions } from './tour.js';
export { VARIANT_PACKAGES } from './variants.js';
