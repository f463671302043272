/** `'./zh/items.json'` → `'items'`: an area file's namespace. */
export const areaOf = (path: string): string | undefined => /([\w-]+)\.json$/.exec(path)?.[1];

/** `{'./zh/items.json': {...}}` → `{items: {...}}`: a language's resources, one namespace per area file. */
export function byArea(files: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const [path, strings] of Object.entries(files)) {
    const area = areaOf(path);
    if (area) resources[area] = strings;
  }
  return resources;
}
