# Access control built on the client certificate, as mod_ssl has it:
# SSLXOptions +FakeBasicAuth (with mod_auth_basic and mod_authn_file) and
# its spoof check, SSLXRequire in mod_ssl's expression syntax (with
# PeerExtList()), +StrictRequire under "Satisfy any", SSLXUserName,
# SSLXRequireSSL, and the authz providers "Require ssl",
# "Require ssl-verify-client" and "Require expr" on SSL_CLIENT_* variables.
# The locations are /cc/NAME/ in t/conf/clientcert.last.conf.in.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use MIME::Base64 qw(encode_base64);
use SSLXTest;

plan tests => 46, need_cgi,
    need { 'openssl is needed' => have_cmd('openssl') };

my $log0 = log_offset();
my $optional = port('cc_optional');     # SSLXVerifyClient optional
my $no_ca = port('cc_no_ca');           # SSLXVerifyClient optional_no_ca
my $plain = Apache::Test::vars('port'); # the main port: plain HTTP

# The one-line DN (OpenSSL's X509_NAME_oneline) of alice's certificate,
# the user name +FakeBasicAuth makes; fakebasicauth.passwd lists it.
my $alice_dn = '/C=DE/ST=Berlin/O=Example Org/OU=Staff/CN=alice';

sub req {
    my($port, $cert, $path, @args) = @_;
    return curl_https(port => $port, path => $path,
                      args => [client_cert_args(curl => $cert), @args]);
}

sub basic { ('-H', 'Authorization: Basic ' . encode_base64($_[0], '')) }

sub logged {
    my($off, $re, $what) = @_;
    ok(wait_for_log($off, $re, 5), $what) or diag(log_since($off));
}

# ---- +FakeBasicAuth ---------------------------------------------------------
my $compat = run_cmd(['openssl', 'x509', '-noout', '-subject', '-nameopt',
                      'compat', '-in', pki('client-alice.crt')]);
(my $openssl_dn = $compat->{out}) =~ s/^subject=\s*|\s+\z//g;
is($openssl_dn, $alice_dn, "alice's one-line DN as openssl prints it");

my $r = req($optional, 'alice', '/cc/fba/env.cgi');
my $env = $r->{env} || {};
is($r->{code}, 200, '+FakeBasicAuth, certificate listed in the user file: 200')
    or diag($r->{err});
is($env->{REMOTE_USER}, $alice_dn, '... REMOTE_USER is the one-line subject DN');
is($env->{AUTH_TYPE}, 'Basic', '... AUTH_TYPE=Basic');

$r = req($optional, 'bob', '/cc/fba/ok.txt');
is($r->{code}, 401, '+FakeBasicAuth, certificate not in the user file: 401');
$r = req($optional, undef, '/cc/fba/ok.txt');
is($r->{code}, 401, '+FakeBasicAuth, no certificate: 401');
$r = req($optional, undef, '/cc/fba/env.cgi', '-u', 'carol:secret');
is(($r->{code} // '') . ' ' . (($r->{env} || {})->{REMOTE_USER} // ''),
   '200 carol', '+FakeBasicAuth, no certificate: ordinary Basic users still work');

my $off = log_offset();
$r = req($optional, undef, '/cc/fba/ok.txt', basic("$alice_dn:password"));
is($r->{code}, 403, "no certificate, but Basic credentials posing as one: 403");
logged($off, qr/\[sslx:info\].*SSLX01805: FakeBasicAuth spoof/,
       '... SSLX01805 reports the spoof');
$r = req($optional, 'bob', '/cc/lax/ok.txt', basic("$alice_dn:password"));
is($r->{code}, 403, 'the same spoof where +FakeBasicAuth is not used: 403');

# ---- SSLXRequire -------------------------------------------------------------
$r = req($optional, 'alice', '/cc/org/ok.txt');
is($r->{code}, 200, 'SSLXRequire (mod_ssl syntax: and, eq, !~ m//, in {...}): alice 200')
    or diag($r->{err});
$off = log_offset();
$r = req($optional, 'bob', '/cc/org/ok.txt');
is($r->{code}, 403, '... bob (O=Other Org): 403');
logged($off, qr/\[sslx:info\].*SSLX01803: access to .* denied for 127\.0\.0\.1: SSLXRequire expression at .*clientcert\.last\.conf:\d+ not fulfilled/,
       '... SSLX01803 names the expression\'s place');
$r = req($optional, undef, '/cc/org/ok.txt');
is($r->{code}, 403, '... no certificate: 403');

$r = req($optional, 'alice', '/cc/ext/ok.txt');
is($r->{code}, 200, 'SSLXRequire "gateway-staff" in PeerExtList(private OID): alice 200')
    or diag($r->{err});
$r = req($optional, 'bob', '/cc/ext/ok.txt');
is($r->{code}, 403, '... bob (no such extension): 403');
$r = req($optional, 'bob', '/cc/eku/ok.txt');
is($r->{code}, 200,
   'SSLXRequire "TLS Web Client Authentication" in PeerExtList("extendedKeyUsage"): 200');
$r = req($optional, undef, '/cc/eku/ok.txt');
is($r->{code}, 403, '... no certificate: 403');

# ---- +StrictRequire -------------------------------------------------------------
# SSLXRequire fails for bob; "Satisfy any" lets a valid Basic user in
# anyway, unless +StrictRequire.
$r = req($optional, 'bob', '/cc/lax/ok.txt', '-u', 'carol:secret');
is($r->{code}, 200, 'Satisfy any: SSLXRequire fails, a Basic user gets in');
$r = req($optional, 'bob', '/cc/lax/ok.txt');
is($r->{code}, 401, '... without credentials: 401');
$r = req($optional, 'alice', '/cc/lax/ok.txt');
is($r->{code}, 200, '... SSLXRequire fulfilled: 200 without credentials');
$r = req($optional, 'bob', '/cc/strict/ok.txt', '-u', 'carol:secret');
is($r->{code}, 403, '+StrictRequire: SSLXRequire fails, the Basic user is refused');
$r = req($optional, 'alice', '/cc/strict/ok.txt');
is($r->{code}, 200, '+StrictRequire: SSLXRequire fulfilled: 200');

# ---- SSLXUserName ---------------------------------------------------------------
$r = req($optional, 'alice', '/cc/user/env.cgi');
is(($r->{env} || {})->{REMOTE_USER}, 'alice',
   'SSLXUserName SSL_CLIENT_S_DN_CN: REMOTE_USER=alice');
$r = req($optional, 'bob', '/cc/user/env.cgi');
is(($r->{env} || {})->{REMOTE_USER}, 'bob', '... REMOTE_USER=bob');
$off = log_offset();
$r = req($optional, undef, '/cc/user/env.cgi');
ok($r->{code} == 200 && !exists $r->{env}->{REMOTE_USER},
   '... no certificate: 200, no REMOTE_USER');
logged($off, qr/\[sslx:info\].*SSLX01801: cannot set the user name from SSL_CLIENT_S_DN_CN/,
       '... SSLX01801 at INFO');

# ---- Require ssl-verify-client ---------------------------------------------------
$r = req($optional, 'alice', '/cc/verify/ok.txt');
is($r->{code}, 200, 'Require ssl-verify-client, verified certificate: 200');
$r = req($optional, undef, '/cc/verify/ok.txt');
is($r->{code}, 403, '... no certificate: 403');
$r = req($no_ca, 'stranger', '/cc/verify/env.cgi');
is($r->{code}, 403, '... optional_no_ca, unknown issuer (not verified): 403');
$r = req($no_ca, 'alice', '/cc/verify/ok.txt');
is($r->{code}, 200, '... optional_no_ca, verified certificate: 200');

# ---- Require expr on SSL_CLIENT_* ------------------------------------------------
$r = req($optional, 'alice', '/cc/cn/ok.txt');
is($r->{code}, 200, 'Require expr %{SSL_CLIENT_S_DN_CN} == "alice": alice 200');
$r = req($optional, 'bob', '/cc/cn/ok.txt');
is($r->{code}, 403, '... bob: 403');
$r = req($optional, undef, '/cc/cn/ok.txt');
is($r->{code}, 403, '... no certificate: 403');

# ---- after a per-location re-authentication ---------------------------------------
# SSLXRequire and Require see the certificate the location just asked for.
my $loc = port('cc_loc');
$r = req($loc, 'alice', '/cc/need-org/env.cgi');
is(($r->{code} // '') . ' ' . ((($r->{env} || {})->{SSL_CLIENT_S_DN_CN}) // ''),
   '200 alice', 'SSLXVerifyClient require + SSLXRequire in a location: alice 200')
    or diag($r->{err});
$r = req($loc, 'bob', '/cc/need-org/ok.txt');
is($r->{code}, 403, '... bob: 403');
$r = req($loc, 'alice', '/cc/need-cn/ok.txt');
is($r->{code}, 200, 'SSLXVerifyClient require + Require expr in a location: alice 200');
$r = req($loc, 'bob', '/cc/need-cn/ok.txt');
is($r->{code}, 403, '... bob: 403');

# ---- Require ssl and SSLXRequireSSL ------------------------------------------------
sub plain_get {
    my $path = shift;
    my $c = run_cmd(['curl', '-sS', '--max-time', 10, '-o', '/dev/null',
                     '-w', '%{http_code}', "http://127.0.0.1:$plain$path"],
                    timeout => 20);
    return $c->{out};
}
my $main = port('sslx_main');
$r = req($main, undef, '/cc/ssl/ok.txt');
is($r->{code}, 200, 'Require ssl over TLS: 200');
is(plain_get('/cc/ssl/ok.txt'), 403, 'Require ssl over plain HTTP: 403');
$r = req($main, undef, '/cc/requiressl/ok.txt');
is($r->{code}, 200, 'SSLXRequireSSL over TLS: 200');
is($r->{body}, "cc ok\n", '... the content');
$off = log_offset();
is(plain_get('/cc/requiressl/ok.txt'), 403, 'SSLXRequireSSL over plain HTTP: 403');
logged($off, qr/\[sslx:info\].*SSLX01804: access to .* denied: TLS connection required/,
       '... SSLX01804 at INFO');
is(plain_get('/cc/env/ok.txt'), 200, 'plain HTTP elsewhere: 200');

# ---- nothing of this is a server problem -------------------------------------------
my @bad = sslx_log_problems(log_since($log0));
is(scalar(@bad), 0, 'no mod_sslx warning or error logged')
    or diag(join "\n", @bad);
