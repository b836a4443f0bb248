/**
 * How many unreadable FAILED records a day's digest reports when it reads
 * the index: each record the consumer filed counts, and an unreadable item
 * the index returns counts unless a filed record is that same item (its pk):
 * the index holds an item's current state, which was one of the filed writes.
 * Filed records without a pk (the record had none) cannot be matched and
 * count on their own. Pure.
 */
export function countUnreadable(filed: readonly { readonly pk?: string | undefined }[], fromIndex: readonly { readonly pk: string }[]): number {
  const filedPks = new Set(filed.flatMap((r) => (r.pk === undefined ? [] : [r.pk])));
  const unseen = new Set(fromIndex.map((u) => u.pk).filter((pk) => !filedPks.has(pk)));
  return filed.length + unseen.size;
}
