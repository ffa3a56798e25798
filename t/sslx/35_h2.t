# HTTP/2 over TLS: ALPN picks h2 where the vhost allows it, and the TLS
# variables reach requests on HTTP/2 streams (secondary connections).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

my $mpm = Apache::Test::vars('sslx_mpm') || '';
plan tests => 14, need_module('mod_http2.c'), need_cgi,
    need { 'mod_http2 does not serve h2 under the prefork MPM' => $mpm ne 'prefork' },
    need { 'curl without HTTP/2' =>
           (run_cmd([qw(curl --version)])->{out} =~ /\bHTTP2\b/) };

my $port = port('sslx_h2');

sub h2 {
    my($p, $path, @args) = @_;
    return curl_https(port => $p, host => 'localhost', path => $path,
                      http => '2',
                      args => \@args);
}

my $r = h2($port, '/ok.txt');
is($r->{code}, 200, 'HTTP/2 request: 200') or diag($r->{err});
like($r->{status_line} // '', qr{^HTTP/2 200}, 'answered over HTTP/2 (ALPN h2)');
is($r->{body}, "ok\n", 'body');

$r = h2($port, '/std/env.cgi');
my $env = $r->{env} || {};
is($env->{SERVER_PROTOCOL}, 'HTTP/2.0', 'CGI over HTTP/2');
is($env->{HTTPS}, 'on', 'HTTP/2 stream: HTTPS=on');
is($env->{SSL_TLS_SNI}, 'localhost', 'HTTP/2 stream: SSL_TLS_SNI');
is($env->{SSL_PROTOCOL}, 'TLSv1.3', 'HTTP/2 stream: SSL_PROTOCOL');
like($env->{SSL_CIPHER} // '', qr/^TLS_/, 'HTTP/2 stream: SSL_CIPHER');
is($env->{SSL_SERVER_S_DN_CN}, 'localhost', 'HTTP/2 stream: SSL_SERVER_S_DN_CN');

$r = h2($port, '/lookup/ok.txt');
is($r->{headers}->{'x-l-ssl_protocol'}, 'TLSv1.3',
   'mod_headers lookup on an HTTP/2 stream');

# TLS 1.2 with a suite HTTP/2 accepts.
$r = h2($port, '/std/env.cgi', '--tls-max', '1.2',
        '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256');
like($r->{status_line} // '', qr{^HTTP/2 200}, 'HTTP/2 over TLS 1.2');
is(($r->{env} || {})->{SSL_CIPHER}, 'ECDHE-ECDSA-AES128-GCM-SHA256',
   '... SSL_CIPHER in OpenSSL spelling (mod_http2 checks it)');

# A client asking for http/1.1 only gets it.
$r = curl_https(port => $port, host => 'localhost', path => '/ok.txt');
like($r->{status_line} // '', qr{^HTTP/1\.1 200}, 'ALPN http/1.1: HTTP/1.1');

# A vhost without "Protocols h2" stays on HTTP/1.1 for an h2 client.
$r = h2(port('sslx_main'), '/ok.txt');
like($r->{status_line} // '', qr{^HTTP/1\.1 200},
     'vhost without h2: the h2 client falls back to HTTP/1.1');
