// js-libp2p 3.x targets Node.js 22 and calls Promise.withResolvers, which Node.js 20 lacks.
// Load this module before anything that imports libp2p: `node --import ./polyfill.mjs ...`,
// or as the first import of an entry script.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
