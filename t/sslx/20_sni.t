# Name-based virtual hosts on one TLS port: SNI picks the vhost and its
# certificate; the Host header must agree with the handshake (421/400);
# SSLXStrictSNIVHostCheck refuses clients without SNI.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

plan tests => 56, need_cgi;

my $port = port('sslx_sni');

# The certificate presented for an SNI name (undef: no SNI).
sub presented {
    my($sni, %o) = @_;
    my $s = tls_connect(port => $port, sni => $sni, %o)
        or return "handshake failed: $@";
    my $pem = peer_cert_pem($s);
    close $s;
    return $pem;
}

sub req {
    my($sni, $host, $path) = @_;
    my $hosthdr = defined $host ? "Host: $host\r\n" : '';
    my $proto = defined $host ? 'HTTP/1.1' : 'HTTP/1.0';
    return tls_request(port => $port, sni => $sni,
                       request => "GET $path $proto\r\n${hosthdr}"
                                . "Connection: close\r\n\r\n");
}

# ---- each name gets its own vhost and certificate ---------------------------
for my $c (['a', 'a.ecdsa.crt'], ['b', 'b.ecdsa.crt'], ['c', 'c.rsa.crt']) {
    my($v, $crt) = @$c;
    my $name = "$v.sslx.test";
    my $r = curl_https(port => $port, host => $name, path => '/plain/env.cgi');
    is($r->{code}, 200, "$name: 200 (curl verified the certificate for the name)")
        or diag($r->{err});
    is($r->{headers}->{'x-vhost'}, $v, "$name: served by vhost $v");
    is($r->{env}->{SSL_TLS_SNI}, $name, "$name: SSL_TLS_SNI");
    is($r->{env}->{SERVER_NAME}, $name, "$name: SERVER_NAME");
    is(presented($name), file_pem(pki($crt)), "$name: presents $crt");
}

# ---- wildcard ServerAlias --------------------------------------------------------
for my $name ('foo.w.sslx.test', 'bar.w.sslx.test', 'w.sslx.test') {
    my $r = curl_https(port => $port, host => $name, path => '/plain/env.cgi');
    is($r->{code}, 200, "$name: 200") or diag($r->{err});
    is($r->{headers}->{'x-vhost'}, 'w', "$name: served by the *.w.sslx.test vhost");
    is($r->{env}->{SSL_TLS_SNI}, $name, "$name: SSL_TLS_SNI");
}
is(presented('foo.w.sslx.test'), file_pem(pki('w.ecdsa.crt')),
   'foo.w.sslx.test: presents the wildcard certificate');

# ---- no SNI, unknown SNI: the first vhost of the port ---------------------------
is(presented(undef), file_pem(pki('a.ecdsa.crt')),
   'no SNI: the default (first) vhost\'s certificate');
is(presented('nowhere.sslx.test'), file_pem(pki('a.ecdsa.crt')),
   'unknown SNI: the default vhost\'s certificate, handshake completes');
my $r = req(undef, 'a.sslx.test', '/ok.txt');
is($r->{code}, 200, 'no SNI, Host: a.sslx.test (the default vhost): 200');
is($r->{headers}->{'x-vhost'}, 'a', '... from vhost a');
$r = req('nowhere.sslx.test', 'nowhere.sslx.test', '/plain/env.cgi');
is($r->{code}, 200, 'unknown SNI and Host: 200 from the default vhost');
is($r->{headers}->{'x-vhost'}, 'a', '... vhost a');
is(SSLXTest::parse_env($r->{body})->{SSL_TLS_SNI}, 'nowhere.sslx.test',
   '... SSL_TLS_SNI is the name sent');

# SNI is case-insensitive.
is(presented('B.SSLX.Test'), file_pem(pki('b.ecdsa.crt')),
   'SNI in upper case selects the same vhost');
$r = req('B.SSLX.Test', 'b.sslx.test', '/ok.txt');
is($r->{code}, 200, 'SNI B.SSLX.Test, Host b.sslx.test: 200, not 421');

# ---- Host vs SNI ---------------------------------------------------------------------
$r = req('a.sslx.test', 'b.sslx.test', '/ok.txt');
is($r->{code}, 421, 'SNI a, Host b (other certificate): 421 Misdirected Request');
ok($r->{eof}, '... and the connection ends');
$r = req('b.sslx.test', 'a.sslx.test', '/ok.txt');
is($r->{code}, 421, 'SNI b, Host a: 421');
$r = req('c.sslx.test', 'foo.w.sslx.test', '/ok.txt');
is($r->{code}, 421, 'SNI c, Host foo.w.sslx.test: 421');
$r = req('a.sslx.test', 'same.sslx.test', '/ok.txt');
is($r->{code}, 200, 'SNI a, Host same.sslx.test (identical TLS settings): 200');
is($r->{headers}->{'x-vhost'}, 'same', '... served by same.sslx.test');
$r = req('same.sslx.test', 'a.sslx.test', '/ok.txt');
is($r->{code}, 200, 'SNI same.sslx.test, Host a: 200');
is($r->{headers}->{'x-vhost'}, 'a', '... served by a');
$r = req('a.sslx.test', "a.sslx.test:$port", '/ok.txt');
is($r->{code}, 200, 'Host with the port number: 200');

# Without SNI the handshake used the default vhost; a Host naming a vhost
# with other TLS settings is misdirected (as mod_ssl since 2.4.64).
$r = req(undef, 'b.sslx.test', '/ok.txt');
is($r->{code}, 421, 'no SNI, Host b (not the default vhost\'s settings): 421');
$r = req(undef, 'same.sslx.test', '/ok.txt');
is($r->{code}, 200, 'no SNI, Host same.sslx.test (default\'s settings): 200');

# SNI but no Host header at all (HTTP/1.0).
$r = req('a.sslx.test', undef, '/ok.txt');
is($r->{code}, 400, 'SNI given, HTTP/1.0 request without Host: 400');
$r = req('b.sslx.test', undef, '/ok.txt');
is($r->{code}, 400, 'same for vhost b');
# No SNI and no Host is plain HTTP/1.0: the default vhost answers.
$r = req(undef, undef, '/ok.txt');
is($r->{code}, 200, 'no SNI, HTTP/1.0 without Host: 200');
is($r->{headers}->{'x-vhost'}, 'a', '... from the default vhost');

# ---- the server goes on serving after all that ----------------------------------
$r = curl_https(port => $port, host => 'b.sslx.test', path => '/ok.txt');
is($r->{code}, 200, 'b.sslx.test still served');

# ---- SSLXStrictSNIVHostCheck on --------------------------------------------------
my $sport = port('sslx_strict');
$r = tls_request(port => $sport, sni => 's1.sslx.test',
                 request => "GET /ok.txt HTTP/1.1\r\nHost: s1.sslx.test\r\n"
                          . "Connection: close\r\n\r\n");
is($r->{code}, 200, 'strict SNI vhost, client sends SNI: 200');
is($r->{headers}->{'x-vhost'}, 's1', '... vhost s1');
$r = tls_request(port => $sport, sni => 's2.sslx.test',
                 request => "GET /ok.txt HTTP/1.1\r\nHost: s2.sslx.test\r\n"
                          . "Connection: close\r\n\r\n");
is($r->{code}, 200, 'strict SNI vhost s2 with SNI: 200');
is($r->{headers}->{'x-vhost'}, 's2', '... vhost s2');
$r = tls_request(port => $sport, sni => undef,
                 request => "GET /ok.txt HTTP/1.1\r\nHost: s1.sslx.test\r\n"
                          . "Connection: close\r\n\r\n");
is($r->{code}, 403, 'strict SNI vhost, no SNI: 403');
$r = tls_request(port => $sport, sni => undef,
                 request => "GET /ok.txt HTTP/1.1\r\nHost: s2.sslx.test\r\n"
                          . "Connection: close\r\n\r\n");
is($r->{code}, 403, 'strict SNI vhost s2, no SNI: 403');
