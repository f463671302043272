// Which patch the shim treats as unpatched; replay.test.ts swaps this module per bundle.
export const UNPATCHED_ID: string = 'none';
