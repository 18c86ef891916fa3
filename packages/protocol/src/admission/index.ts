export { delegatedFromEthAddress, participantFromAddress } from './address.js'
export {
  bindingText,
  PARTICIPANT_PATTERN,
  participantOfPrivateKey,
  participantOfPublicKey,
  personalMessageDigest,
  recoverPersonalSigner,
  type StationBinding,
  signBinding,
  verifyBinding,
} from './binding.js'
export {
  ADMISSION_KEYS,
  type AdmissionParams,
  checkAdmission,
  eligibilityHeight,
  eligibleFromTime,
  FILECOIN_ADMISSION,
  meetsDeposit,
} from './params.js'
