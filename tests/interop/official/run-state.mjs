// The factory run.mjs chose, shared with the spec file mocha loads.
let current = null

export function setFactory (f) {
  current = f
}

export function factory () {
  if (current == null) throw new Error('suites.mjs is loaded by run.mjs, not by mocha directly')
  return current
}
