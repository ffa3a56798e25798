# Protocol versions, SSLXProtocol, SSLXPriorities, SSLXHonorCipherOrder
# and the choice between an ECDSA and an RSA certificate in one vhost.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

plan tests => 46, need_cgi,
    need { 'gnutls-cli and openssl are needed'
           => have_cmd('gnutls-cli') && have_cmd('openssl') };

my $main = port('sslx_main');
my $req = "GET /std/env.cgi HTTP/1.0\r\nHost: localhost\r\n\r\n";
my $tls12_only = 'NORMAL:-VERS-ALL:+VERS-TLS1.2';
my $tls13_only = 'NORMAL:-VERS-ALL:+VERS-TLS1.3';

sub env_from { SSLXTest::parse_env(($_[0]->{response} || {})->{body}) }

# ---- versions on a default vhost -------------------------------------------
my $r = curl_https(port => $main, host => 'localhost', path => '/std/env.cgi');
is($r->{env}->{SSL_PROTOCOL}, 'TLSv1.3', 'curl: TLS 1.3 by default');
$r = curl_https(port => $main, host => 'localhost', path => '/std/env.cgi',
                args => ['--tls-max', '1.2']);
is($r->{code}, 200, 'curl --tls-max 1.2: 200') or diag($r->{err});
is($r->{env}->{SSL_PROTOCOL}, 'TLSv1.2', 'curl --tls-max 1.2: TLSv1.2');

my $g = gnutls_cli(port => $main, sni => 'localhost', request => $req);
is($g->{version}, 'TLS1.3', 'gnutls-cli: TLS 1.3') or diag($g->{out}, $g->{err});
is(($g->{response} || {})->{code}, 200, 'gnutls-cli: 200');
$g = gnutls_cli(port => $main, sni => 'localhost', request => $req,
                priority => $tls12_only);
is($g->{version}, 'TLS1.2', "gnutls-cli --priority $tls12_only: TLS 1.2")
    or diag($g->{out}, $g->{err});
is(($g->{response} || {})->{code}, 200, '... 200');
is(env_from($g)->{SSL_PROTOCOL}, 'TLSv1.2', '... SSL_PROTOCOL=TLSv1.2');
like(env_from($g)->{SSL_CIPHER} // '', qr/^ECDHE-ECDSA-/,
     '... an ECDHE-ECDSA suite in OpenSSL spelling');

my $s = s_client(port => $main, sni => 'localhost', request => $req,
                 args => ['-tls1_2']);
is($s->{protocol}, 'TLSv1.2', 'openssl s_client -tls1_2: TLSv1.2')
    or diag($s->{out}, $s->{err});
is(env_from($s)->{SSL_CIPHER}, $s->{cipher},
   'SSL_CIPHER is the suite the client negotiated');
$s = s_client(port => $main, sni => 'localhost', request => $req,
              args => ['-tls1_3']);
is($s->{protocol}, 'TLSv1.3', 'openssl s_client -tls1_3: TLSv1.3');
is(env_from($s)->{SSL_CIPHER}, $s->{cipher}, '... SSL_CIPHER agrees with the client');

# ---- SSLXProtocol -all +TLSv1.3 --------------------------------------------------
my $p13 = port('sslx_tls13');
$r = curl_https(port => $p13, host => 'localhost', path => '/std/env.cgi');
is($r->{code}, 200, 'TLS 1.3-only vhost, TLS 1.3 client: 200');
is($r->{env}->{SSL_PROTOCOL}, 'TLSv1.3', '... TLSv1.3');
$r = curl_https(port => $p13, host => 'localhost', path => '/ok.txt',
                args => ['--tls-max', '1.2']);
isnt($r->{rc}, 0, 'TLS 1.3-only vhost, curl --tls-max 1.2: handshake fails');
is($r->{code}, '000', '... no HTTP response');
$g = gnutls_cli(port => $p13, sni => 'localhost', request => $req,
                priority => $tls12_only);
ok(!$g->{handshake_ok}, 'gnutls-cli TLS 1.2 only: handshake fails');
like($g->{out} . $g->{err}, qr/Received alert \[70\]/,
     '... with a protocol_version alert (70)');
$s = s_client(port => $p13, sni => 'localhost', request => $req,
              args => ['-tls1_2']);
like($s->{err}, qr/alert protocol version/i,
     'openssl s_client -tls1_2: "alert protocol version"');

# ---- SSLXPriorities -------------------------------------------------------------
my $pp = port('sslx_prio');
$r = curl_https(port => $pp, host => 'localhost', path => '/std/env.cgi');
is($r->{code}, 200, 'SSLXPriorities vhost: 200 for a default client')
    or diag($r->{err});
is($r->{env}->{SSL_PROTOCOL}, 'TLSv1.2', '... the priority string limits it to TLS 1.2');
is($r->{env}->{SSL_CIPHER}, 'ECDHE-ECDSA-AES128-GCM-SHA256',
   '... and to AES-128-GCM');
$g = gnutls_cli(port => $pp, sni => 'localhost', request => $req,
                priority => $tls13_only);
ok(!$g->{handshake_ok}, 'SSLXPriorities vhost: a TLS 1.3-only client fails');
$g = gnutls_cli(port => $pp, sni => 'localhost', request => $req,
                priority => "$tls12_only:-CIPHER-ALL:+AES-256-GCM");
ok(!$g->{handshake_ok}, 'SSLXPriorities vhost: no common cipher, no handshake');
like($g->{out} . $g->{err}, qr/Received alert \[40\]/,
     '... handshake_failure alert (40)');

# ---- SSLXHonorCipherOrder --------------------------------------------------------
# Both vhosts prefer AES-256-GCM; the client prefers AES-128-GCM.
my %honor = (on => port('sslx_honor_on'), off => port('sslx_honor_off'));
my %want = (
    on  => ['ECDHE-ECDSA-AES256-GCM-SHA384', 'TLS_AES_256_GCM_SHA384'],
    off => ['ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'],
);
for my $mode (qw(on off)) {
    $s = s_client(port => $honor{$mode}, sni => 'localhost', request => $req,
                  args => ['-tls1_2', '-cipher',
                           'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384']);
    is($s->{cipher}, $want{$mode}->[0],
       "SSLXHonorCipherOrder $mode, TLS 1.2: $want{$mode}->[0]")
        or diag($s->{err});
    is(env_from($s)->{SSL_CIPHER}, $want{$mode}->[0], '... SSL_CIPHER agrees');
    $s = s_client(port => $honor{$mode}, sni => 'localhost', request => $req,
                  args => ['-tls1_3', '-ciphersuites',
                           'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384']);
    is($s->{cipher}, $want{$mode}->[1],
       "SSLXHonorCipherOrder $mode, TLS 1.3: $want{$mode}->[1]")
        or diag($s->{err});
}

# ---- ECDSA and RSA certificates in one vhost ----------------------------------
my $ec_pem  = file_pem(pki('localhost.ecdsa.crt'));
my $rsa_pem = file_pem(pki('localhost.rsa.crt'));

$s = s_client(port => $main, sni => 'localhost', request => $req);
is($s->{peer_pem}, $ec_pem, 'default client: the ECDSA certificate');
is($s->{peer_key_type}, 'id-ecPublicKey', '... an EC key');
$s = s_client(port => $main, sni => 'localhost', request => $req,
              args => ['-tls1_2', '-sigalgs', 'RSA-PSS+SHA256:RSA+SHA256']);
is($s->{peer_pem}, $rsa_pem,
   'TLS 1.2 client with only RSA signature algorithms: the RSA certificate')
    or diag($s->{err});
is(env_from($s)->{SSL_SERVER_A_KEY}, 'rsaEncryption', '... SSL_SERVER_A_KEY=rsaEncryption');
like(env_from($s)->{SSL_CIPHER} // '', qr/^ECDHE-RSA-/, '... an ECDHE-RSA suite');
$s = s_client(port => $main, sni => 'localhost', request => $req,
              args => ['-tls1_3', '-sigalgs', 'rsa_pss_rsae_sha256']);
is($s->{peer_pem}, $rsa_pem,
   'TLS 1.3 client with only rsa_pss_rsae_sha256: the RSA certificate')
    or diag($s->{err});
is(env_from($s)->{SSL_SERVER_A_KEY}, 'rsaEncryption', '... SSL_SERVER_A_KEY=rsaEncryption');
$s = s_client(port => $main, sni => 'localhost', request => $req,
              args => ['-tls1_3', '-sigalgs', 'ecdsa_secp256r1_sha256']);
is($s->{peer_pem}, $ec_pem, 'TLS 1.3 client with only ECDSA: the ECDSA certificate');
is(env_from($s)->{SSL_SERVER_A_KEY}, 'id-ecPublicKey', '... SSL_SERVER_A_KEY=id-ecPublicKey');

$g = gnutls_cli(port => $main, sni => 'localhost', request => $req,
                priority => 'NORMAL:-SIGN-ALL:+SIGN-RSA-SHA256:+SIGN-RSA-PSS-RSAE-SHA256');
is(($g->{response} || {})->{code}, 200,
   'gnutls-cli with RSA signature algorithms only: 200')
    or diag($g->{out}, $g->{err});
is(env_from($g)->{SSL_SERVER_A_KEY}, 'rsaEncryption', '... got the RSA certificate');
$g = gnutls_cli(port => $main, sni => 'localhost', request => $req,
                priority => "$tls12_only:-KX-ALL:+ECDHE-RSA");
is(env_from($g)->{SSL_SERVER_A_KEY}, 'rsaEncryption',
   'gnutls-cli TLS 1.2 with ECDHE-RSA key exchange only: the RSA certificate');
like(env_from($g)->{SSL_CIPHER} // '', qr/^ECDHE-RSA-/, '... an ECDHE-RSA suite');
$g = gnutls_cli(port => $main, sni => 'localhost', request => $req,
                priority => 'NORMAL:-SIGN-ALL:+SIGN-ECDSA-SECP256R1-SHA256');
is(env_from($g)->{SSL_SERVER_A_KEY}, 'id-ecPublicKey',
   'gnutls-cli with ECDSA signature algorithms only: the ECDSA certificate');
