/**
 * Authentication test vectors. The cryptosign ones are the six of the WAMP specification
 * (rfc/text/advanced, "Cryptosign-based Authentication", Test Vectors); the WAMP-CRA ones
 * are the published Autobahn values (secret 'L3L1YUE8Txlw', salt 'salt123').
 */
export interface CryptosignVector {
  readonly channelId: string | null;
  readonly privateKey: string;
  readonly challenge: string;
  readonly signature: string;
}

/** The specification's cryptosign test vectors. */
export const CRYPTOSIGN_VECTORS: readonly CryptosignVector[] = [
  {
    channelId: null,
    privateKey: '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510',
    challenge: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    signature:
      'b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  },
  {
    channelId: null,
    privateKey: 'd511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd',
    challenge: 'b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d',
    signature:
      'd4209ad10d5aff6bfbc009d7e924795de138a63515efc7afc6b01b7fe5201372190374886a70207b042294af5bd64ce725cd8dceb344e6d11c09d1aaaf4d660fb26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d',
  },
  {
    channelId: null,
    privateKey: '6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b',
    challenge: 'b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2',
    signature:
      '7beb282184baadd08f166f16dd683b39cab53816ed81e6955def951cb2ddad1ec184e206746fd82bda075af03711d3d5658fc84a76196b0fa8d1ebc92ef9f30bb05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2',
  },
  {
    channelId: '62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff',
    privateKey: '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510',
    challenge: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    signature:
      '9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00',
  },
  {
    channelId: '62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff',
    privateKey: 'd511fe78e23934b3dadb52fcd022974b80bd92bccc7c5cf404e46cc0a8a2f5cd',
    challenge: 'b26c1f87c13fc1da14997f1b5a71995dff8fbe0a62fae8473c7bdbd05bfb607d',
    signature:
      '305aaa3ac25e98f651427688b3fc43fe7d8a68a7ec1d7d61c61517c519bd4a427c3015599d83ca28b4c652333920223844ef0725eb5dc2febfd6af7677b73f01d0852a29b460fc92ec943242ac638a053bbacc200512b18b30d15083cbdc9282',
  },
  {
    channelId: '62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff',
    privateKey: '6e1fde9cf9e2359a87420b65a87dc0c66136e66945196ba2475990d8a0c3a25b',
    challenge: 'b05e6b8ad4d69abf74aa3be3c0ee40ae07d66e1895b9ab09285a2f1192d562d2',
    signature:
      'ee3c7644fd8070532bc1fde3d70d742267da545d8c8f03e63bda63f1ad4214f4d2c4bfdb4eb9526def42deeb7e31602a6ff99eba893e0a4ad4d45892ca75e608d2b75e24a189a7f78ca776ba36fc53f6c3e31c32f251f2c524f0a44202f2902d',
  },
];

/** The spec's example client public key, paired here with no known private key. */
export const SPEC_EXAMPLE_PUBKEY = '545efb0a2192db8d43f118e9bf9aee081466e1ef36c708b96ee6f62dddad9122';

/** Autobahn's WAMP-CRA secret and salt in its own test suite, with the values it expects. */
export const WAMPCRA_VECTORS = {
  secret: 'L3L1YUE8Txlw',
  salt: 'salt123',
  /** deriveKey(secret, salt) with the defaults 1000 iterations, 32 bytes. */
  derivedKey: 'qzcdsr9uu/L5hnss3kjNTRe490ETgA70ZBaB5rvnJ5Y=',
  /** sign(secret, '[1, 2, 3]'). */
  challenge: '[1, 2, 3]',
  signature: '1njQtmmeYO41N5EWEzD2kAjjEKRZ5kPZt/TzpYXOzR0=',
} as const;
