/**
 * The tags after an update, as Azure's update/add_tags/remove_tags combine for models and datasets alike: `tags`
 * (when given) replaces them all, then `addTags` sets keys and `removeTags` removes them.
 */
export function editedTags(
  current: Record<string, string>,
  edit: { tags?: Record<string, string>; addTags?: Record<string, string>; removeTags?: string[] },
): Record<string, string> {
  const tags = { ...(edit.tags ?? current), ...(edit.addTags ?? {}) };
  for (const key of edit.removeTags ?? []) delete tags[key];
  return tags;
}
