package testcluster

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certLifetime covers any test run; the certificates live only as long as the cluster's directory.
const certLifetime = 10 * 365 * 24 * time.Hour

// writePKI writes into dir the cluster's credentials, made with crypto/x509 so that no openssl is needed:
// ca.crt/key, apiserver.crt/key (serving 127.0.0.1 and localhost), admin.crt/key (CN=admin,
// O=system:masters) and sa.key/sa.pub for service-account tokens. ECDSA P-256 keys take microseconds,
// where RSA keys took most of the cluster's start-up.
func writePKI(dir string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour) // tolerate a little clock skew
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "kubex-test-ca"},
		NotBefore:             now,
		NotAfter:              now.Add(certLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	if err := writePair(dir, "ca", caDER, caKey); err != nil {
		return err
	}

	leaves := []struct {
		name  string
		tmpl  x509.Certificate
		usage x509.ExtKeyUsage
	}{
		{"apiserver", x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			DNSNames:    []string{"localhost"},
		}, x509.ExtKeyUsageServerAuth},
		{"admin", x509.Certificate{
			Subject: pkix.Name{CommonName: "admin", Organization: []string{"system:masters"}},
		}, x509.ExtKeyUsageClientAuth},
	}
	for _, l := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl := l.tmpl
		tmpl.SerialNumber = serial()
		tmpl.NotBefore, tmpl.NotAfter = now, now.Add(certLifetime)
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{l.usage}
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, key.Public(), caKey)
		if err != nil {
			return err
		}
		if err := writePair(dir, l.name, der, key); err != nil {
			return err
		}
	}

	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	if err := writeKey(filepath.Join(dir, "sa.key"), saKey); err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, "sa.pub"), "PUBLIC KEY", pub, 0o644)
}

func writePair(dir, name string, certDER []byte, key crypto.Signer) error {
	if err := writePEM(filepath.Join(dir, name+".crt"), "CERTIFICATE", certDER, 0o644); err != nil {
		return err
	}
	return writeKey(filepath.Join(dir, name+".key"), key)
}

func writeKey(path string, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, "PRIVATE KEY", der, 0o600)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62)) // never fails (crypto/rand)
	return n
}
