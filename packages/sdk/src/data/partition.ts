/**
 * The default partitioner: FNV-1a (32 bit) over the key's UTF-16 code units, modulo the
 * reducer count.
 *
 * It must give the same answer in every process, on every machine and in every Node version
 * (map tasks on different workers must agree where a key goes), so it depends on nothing but
 * the key's code units: no seeds, no String hashing of the engine. Each 16-bit unit is xored
 * in whole (FNV-1a is defined over octets; using units is faster and just as well mixed for
 * this purpose). `Math.imul` keeps the multiply in 32 bits, `>>> 0` makes it unsigned.
 */
export function defaultPartition(key: string, reducers: number): number {
  if (reducers === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % reducers;
}
