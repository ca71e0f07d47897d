export { formatTourLine, runTour } from './tour.js';
export type { TourLine, TourOptions } from './tour.js';
