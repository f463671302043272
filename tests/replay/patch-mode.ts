// Which patch the shim overrides, and how; shimmed-bundle.ts swaps this module per bundle.
export const PATCH_ID: string = 'none';
export const PATCH_MODE: 'before-change' | 'made-without-patched' = 'before-change';
