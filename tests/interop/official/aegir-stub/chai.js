// `aegir/chai` as @libp2p/interop imports it: chai 4 with the plugins aegir registers, in
// aegir's order (chai-as-promised must come first, see chaijs/chai#1298).
import chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiBites from 'chai-bites'
import chaiParentheses from 'chai-parentheses'
import chaiString from 'chai-string'
import chaiSubset from 'chai-subset'

chai.use(chaiAsPromised)
chai.use(chaiParentheses)
chai.use(chaiSubset)
chai.use(chaiBites)
chai.use(chaiString)

export const expect = chai.expect
export const assert = chai.assert

export { chai, chaiAsPromised, chaiParentheses, chaiSubset, chaiBites, chaiString }
