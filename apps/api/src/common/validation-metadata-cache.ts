import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];

/**
 * class-validator looks up a class's rules on every `validate()` by scanning every decorated class it knows
 * for ancestors (typestack/class-validator#2686): a few hundred DTOs here, on every REST body and every socket
 * event. A class's own and inherited rules are all registered when its module loads, before anything can
 * validate it, so the answer per (class, options) never changes: it is kept after the first lookup, and so is
 * its grouping by property. Lookups by schema name (not used here) are left alone. Installed when this module
 * loads; every validation in the process (Nest's pipe and the socket payloads) shares class-validator's one
 * metadata storage.
 */
function cacheValidationMetadata(storage: Storage): void {
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const cache = new WeakMap<object, Map<string, ReturnType<Lookup>>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function' || schema) return lookup(target, schema, always, strictGroups, groups);
    let byOptions = cache.get(target);
    if (!byOptions) cache.set(target, (byOptions = new Map()));
    const key = `${always}|${strictGroups}|${groups?.join('\u0000') ?? ''}`;
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  // The executor then groups those rules by property on every call: the same kept lists give the same groups
  // (neither is changed by the executor).
  const group = storage.groupByPropertyName.bind(storage);
  const groups = new WeakMap<object, ReturnType<Storage['groupByPropertyName']>>();
  storage.groupByPropertyName = (metadata) => {
    let grouped = groups.get(metadata);
    if (!grouped) groups.set(metadata, (grouped = group(metadata)));
    return grouped;
  };
}

cacheValidationMetadata(getMetadataStorage());
