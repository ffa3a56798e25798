# SSLXOptions +StdEnvVars / +ExportCertData: the SSL_* variables a CGI
# sees, with mod_ssl's names and spellings.  Certificate facts are checked
# against what `openssl x509` says about the same file.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

plan tests => 78, need_cgi, need { 'openssl is needed' => have_cmd('openssl') };

my $port = port('sslx_main');
my $ecdsa = pki('localhost.ecdsa.crt');
my $rsa   = pki('localhost.rsa.crt');

sub env_of {
    my($path, @args) = @_;
    my $r = curl_https(port => $port, host => 'localhost', path => $path,
                       args => \@args);
    diag("curl: $r->{err}") if $r->{rc};
    return $r->{env} || {};
}

# ---- TLS 1.3, ECDSA certificate (what a default client gets) -------------
my $env = env_of('/std/env.cgi', '--tlsv1.3',
                 '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384');
is($env->{HTTPS}, 'on', 'HTTPS');
is($env->{SSL_TLS_SNI}, 'localhost', 'SSL_TLS_SNI');
is($env->{SSL_PROTOCOL}, 'TLSv1.3', 'SSL_PROTOCOL');
is($env->{SSL_CIPHER}, 'TLS_AES_256_GCM_SHA384', 'SSL_CIPHER (TLS 1.3 name)');
is($env->{SSL_CIPHER_USEKEYSIZE}, 256, 'SSL_CIPHER_USEKEYSIZE');
is($env->{SSL_CIPHER_ALGKEYSIZE}, 256, 'SSL_CIPHER_ALGKEYSIZE');
is($env->{SSL_CIPHER_EXPORT}, 'false', 'SSL_CIPHER_EXPORT');
is($env->{SSL_COMPRESS_METHOD}, 'NULL', 'SSL_COMPRESS_METHOD');
like($env->{SSL_SESSION_ID} // '', qr/^[0-9a-f]{64}$/,
     'SSL_SESSION_ID: 32 bytes in lower-case hex, as mod_ssl prints it');
is($env->{SSL_SESSION_RESUMED}, 'Initial', 'SSL_SESSION_RESUMED');
like($env->{SSL_SECURE_RENEG} // '', qr/^(?:true|false)$/, 'SSL_SECURE_RENEG');
like($env->{SSL_VERSION_INTERFACE} // '', qr{^mod_sslx/\d+\.\d+},
     'SSL_VERSION_INTERFACE');
like($env->{SSL_VERSION_LIBRARY} // '', qr{^GnuTLS/3\.\d+\.\d+$},
     'SSL_VERSION_LIBRARY');
is($env->{SSL_CLIENT_VERIFY}, 'NONE', 'SSL_CLIENT_VERIFY');
is($env->{SSL_SERVER_M_VERSION}, '3', 'SSL_SERVER_M_VERSION');
is($env->{SSL_SERVER_M_SERIAL}, cert_field($ecdsa, 'serial'),
   'SSL_SERVER_M_SERIAL (no leading 00 although the high bit is set)');
is($env->{SSL_SERVER_S_DN}, cert_field($ecdsa, 'subject'),
   'SSL_SERVER_S_DN in RFC 2253 form, escaped as mod_ssl does (UTF-8 kept)');
is($env->{SSL_SERVER_S_DN_CN}, 'localhost', 'SSL_SERVER_S_DN_CN');
is($env->{SSL_SERVER_S_DN_O}, 'Example, Inc.', 'SSL_SERVER_S_DN_O');
is($env->{SSL_SERVER_S_DN_OU}, 'Web', 'SSL_SERVER_S_DN_OU (first OU)');
is($env->{SSL_SERVER_S_DN_OU_1}, 'TLS', 'SSL_SERVER_S_DN_OU_1 (second OU)');
is($env->{SSL_SERVER_S_DN_L}, "M\xc3\xbcnchen", 'SSL_SERVER_S_DN_L (UTF-8)');
is($env->{SSL_SERVER_S_DN_ST}, 'Bayern', 'SSL_SERVER_S_DN_ST');
is($env->{SSL_SERVER_S_DN_C}, 'DE', 'SSL_SERVER_S_DN_C');
is($env->{SSL_SERVER_S_DN_Email}, 'webmaster@localhost',
   'SSL_SERVER_S_DN_Email');
is($env->{SSL_SERVER_I_DN}, cert_field($ecdsa, 'issuer'), 'SSL_SERVER_I_DN');
is($env->{SSL_SERVER_I_DN_CN}, 'mod_sslx Test CA', 'SSL_SERVER_I_DN_CN');
is($env->{SSL_SERVER_I_DN_O}, 'mod_sslx Test', 'SSL_SERVER_I_DN_O');
is($env->{SSL_SERVER_I_DN_C}, 'DE', 'SSL_SERVER_I_DN_C');
is($env->{SSL_SERVER_SAN_DNS_0}, 'localhost', 'SSL_SERVER_SAN_DNS_0');
is($env->{SSL_SERVER_SAN_DNS_1}, 'localhost.localdomain',
   'SSL_SERVER_SAN_DNS_1');
ok(!exists $env->{SSL_SERVER_SAN_DNS_2}, 'no SSL_SERVER_SAN_DNS_2');
is($env->{SSL_SERVER_SAN_Email_0}, 'webmaster@localhost',
   'SSL_SERVER_SAN_Email_0');
is($env->{SSL_SERVER_SAN_Email_1}, 'hostmaster@localhost',
   'SSL_SERVER_SAN_Email_1');
is($env->{SSL_SERVER_V_START}, cert_field($ecdsa, 'startdate'),
   'SSL_SERVER_V_START (OpenSSL date format)');
is($env->{SSL_SERVER_V_START}, 'Mar  1 09:05:07 2025 GMT',
   'SSL_SERVER_V_START pads a one-digit day with a space');
is($env->{SSL_SERVER_V_END}, cert_field($ecdsa, 'enddate'), 'SSL_SERVER_V_END');
is($env->{SSL_SERVER_A_SIG}, 'sha256WithRSAEncryption', 'SSL_SERVER_A_SIG');
is($env->{SSL_SERVER_A_KEY}, 'id-ecPublicKey', 'SSL_SERVER_A_KEY (ECDSA)');
ok(!exists $env->{SSL_SERVER_CERT}, 'no SSL_SERVER_CERT without +ExportCertData');
ok(!exists $env->{SSL_SERVER_V_REMAIN},
   'SSL_SERVER_V_REMAIN is not exported (lookup only, as in mod_ssl)');

# ---- +ExportCertData --------------------------------------------------------
$env = env_of('/export/env.cgi');
is($env->{SSL_SERVER_CERT}, file_pem($ecdsa),
   'SSL_SERVER_CERT is the PEM of the certificate served');
is($env->{SSL_PROTOCOL}, 'TLSv1.3', '+StdEnvVars still applies');

# ---- other TLS 1.3 suites -------------------------------------------------
$env = env_of('/std/env.cgi', '--tlsv1.3',
              '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256');
is($env->{SSL_CIPHER}, 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256');
is($env->{SSL_CIPHER_USEKEYSIZE}, 128, '... USEKEYSIZE 128');
is($env->{SSL_CIPHER_ALGKEYSIZE}, 128, '... ALGKEYSIZE 128');
$env = env_of('/std/env.cgi', '--tlsv1.3',
              '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256');
is($env->{SSL_CIPHER}, 'TLS_CHACHA20_POLY1305_SHA256',
   'TLS_CHACHA20_POLY1305_SHA256');
is($env->{SSL_CIPHER_USEKEYSIZE}, 256, '... USEKEYSIZE 256');

# ---- TLS 1.2, ECDSA ----------------------------------------------------------
for my $c (['ECDHE-ECDSA-AES256-GCM-SHA384', 256],
           ['ECDHE-ECDSA-AES128-GCM-SHA256', 128],
           ['ECDHE-ECDSA-CHACHA20-POLY1305', 256]) {
    my($name, $bits) = @$c;
    $env = env_of('/std/env.cgi', '--tlsv1.2', '--tls-max', '1.2',
                  '--ciphers', $name);
    is($env->{SSL_PROTOCOL}, 'TLSv1.2', "TLS 1.2 $name: SSL_PROTOCOL");
    is($env->{SSL_CIPHER}, $name, "TLS 1.2: SSL_CIPHER=$name");
    is($env->{SSL_CIPHER_USEKEYSIZE}, $bits, "... USEKEYSIZE $bits");
    is($env->{SSL_CIPHER_ALGKEYSIZE}, $bits, "... ALGKEYSIZE $bits");
    is($env->{SSL_SECURE_RENEG}, 'true',
       '... SSL_SECURE_RENEG=true (curl sends renegotiation_info)');
}
like($env->{SSL_SESSION_ID} // '', qr/^[0-9a-f]{64}$/,
     'TLS 1.2: SSL_SESSION_ID is 32 bytes in lower-case hex');

# ---- TLS 1.2, RSA certificate ----------------------------------------------
$env = env_of('/export/env.cgi', '--tlsv1.2', '--tls-max', '1.2',
              '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256');
is($env->{SSL_CIPHER}, 'ECDHE-RSA-AES128-GCM-SHA256',
   'RSA key exchange suite: SSL_CIPHER');
is($env->{SSL_SERVER_A_KEY}, 'rsaEncryption', 'RSA certificate: SSL_SERVER_A_KEY');
is($env->{SSL_SERVER_M_SERIAL}, cert_field($rsa, 'serial'),
   'RSA certificate: SSL_SERVER_M_SERIAL');
is($env->{SSL_SERVER_CERT}, file_pem($rsa),
   'RSA certificate: SSL_SERVER_CERT');
is($env->{SSL_SERVER_S_DN}, cert_field($rsa, 'subject'),
   'RSA certificate: SSL_SERVER_S_DN');

# ---- SSL_SESSION_RESUMED ------------------------------------------------------
# openssl s_client saves the TLS 1.3 ticket of a first connection and
# offers it on a second one.  -quiet where a body is read: s_client
# prints the tickets it receives on a buffered stream that can end up in
# the middle of the body.  Its own verdict comes from a third connection
# whose body does not matter.
my $sess = SSLXTest::tmp_dir() . '/session.pem';
my $req = "GET /std/env.cgi HTTP/1.0\r\nHost: localhost\r\n\r\n";
my $first = s_client(port => $port, sni => 'localhost', request => $req,
                     args => ['-quiet', '-tls1_3', '-sess_out', $sess]);
is($first->{response}->{code}, 200, 'first connection: 200')
    or diag($first->{out}, $first->{err});
is(SSLXTest::parse_env($first->{response}->{body})->{SSL_SESSION_RESUMED},
   'Initial', 'first connection: SSL_SESSION_RESUMED=Initial');
ok(-s $sess, 'the client got a session ticket');
my $second = s_client(port => $port, sni => 'localhost', request => $req,
                      args => ['-quiet', '-tls1_3', '-sess_in', $sess]);
my $renv = SSLXTest::parse_env($second->{response}->{body});
is($renv->{SSL_SESSION_RESUMED}, 'Resumed',
   'second connection: SSL_SESSION_RESUMED=Resumed')
    or diag($second->{out}, $second->{err});
is($renv->{SSL_SERVER_S_DN_CN}, 'localhost',
   'resumed connection still knows the server certificate');
my $third = s_client(port => $port, sni => 'localhost',
                     request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n",
                     args => ['-tls1_3', '-sess_in', $sess]);
like($third->{out}, qr/^Reused, TLSv1\.3/m, 'the client too sees a resumed session')
    or diag($third->{out});

# ---- per-directory options ------------------------------------------------
my $plain = curl_https(port => $port, host => 'localhost',
                       path => '/plain/env.cgi');
is($plain->{code}, 200, '/plain/env.cgi answers') or diag($plain->{err});
$env = $plain->{env} || {};
is($env->{SSL_TLS_SNI}, 'localhost', '/plain/ (no SSLXOptions): SSL_TLS_SNI is set');
ok(!grep({ /^SSL_/ && $_ ne 'SSL_TLS_SNI' } keys %$env),
   '/plain/ (no SSLXOptions): only SSL_TLS_SNI among SSL_*')
    or diag(join ' ', grep { /^SSL_/ } sort keys %$env);
