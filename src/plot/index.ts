/**
 * `clmkit/plot`: Vega-Lite chart specifications (plain JSON) for the library's results.
 *
 * @module
 */
export {};
