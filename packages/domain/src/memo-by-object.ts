/**
 * `compute` remembered per argument object (a WeakMap: forgotten with the object). For values
 * derived from immutable domain objects that are reused on hot paths, e.g. a published
 * version's input schema or privacy policy.
 */
export function memoizeByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const remembered = new WeakMap<K, V>();
  return (key) => {
    if (remembered.has(key)) return remembered.get(key)!;
    const value = compute(key);
    remembered.set(key, value);
    return value;
  };
}
