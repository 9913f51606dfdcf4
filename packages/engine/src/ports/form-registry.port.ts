/** Deploy-time lookup: does this form (and version, when pinned) exist? Implemented by the host. */
export interface FormRegistry {
  /** `version` undefined means "any published version" (the task uses the latest). */
  formExists(key: string, version?: number): boolean | Promise<boolean>;
}

/** Deploy-time lookup of the user groups tasks may be offered to. */
export interface GroupDirectory {
  knownGroups: Iterable<string>;
}
