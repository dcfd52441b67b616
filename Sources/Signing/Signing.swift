// Signing: Ed25519 keys and signatures and SHA-256 over OpenSSL, OpenSSH and PEM key
// formats, signing through ssh-agent. No C type leaves this module.
