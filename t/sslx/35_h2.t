# HTTP/2 over TLS: ALPN picks h2 where the vhost allows it, and the TLS
# variables reach requests on HTTP/2 streams (secondary connections).
# h2load runs many streams over several connections; H2ModernTLSOnly
# refuses HTTP/2 on a TLS 1.2 suite it does not accept; a client whose
# ALPN list has nothing the vhost speaks gets no_application_protocol.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

my $mpm = Apache::Test::vars('sslx_mpm') || '';
plan tests => 20, need_module('mod_http2.c'), need_cgi,
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

# ---- h2load: many streams on several connections ---------------------------------
SKIP: {
    skip 'h2load (nghttp2-client) is not installed', 2 unless have_cmd('h2load');
    my $h = run_cmd(['h2load', '-n', 400, '-c', 4, '-m', 10,
                     "https://127.0.0.1:$port/ok.txt"], timeout => 60);
    like($h->{out}, qr/^Application protocol: h2$/m, 'h2load negotiates h2')
        or diag($h->{out}, $h->{err});
    like($h->{out}, qr/^requests: 400 total, 400 started, 400 done, 400 succeeded, 0 failed, 0 errored/m,
         'h2load: 400 requests over 4 connections, 10 streams each, all succeed')
        or diag($h->{out}, $h->{err});
}

# ---- H2ModernTLSOnly reads SSL_PROTOCOL and SSL_CIPHER ----------------------------
# GnuTLS settles ALPN before the TLS 1.2 suite, so mod_http2 finds the
# suite only once the handshake is done, and ends the session with GOAWAY.
my $h2log = log_offset();
$r = h2($port, '/ok.txt', '--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES128-SHA');
isnt($r->{code}, 200,
     'TLS 1.2 with a CBC suite: mod_http2 (H2ModernTLSOnly) serves no HTTP/2 request');
ok(wait_for_log($h2log, qr/AH03052: .*tls cipher ECDHE-ECDSA-AES128-SHA blacklisted/),
   '... having read SSL_CIPHER from mod_sslx (AH03052 in the log)');

# ---- ALPN without overlap ------------------------------------------------------
my $log0 = log_offset();
my $s = s_client(port => $port, sni => 'localhost', args => ['-alpn', 'spdy/1,foo'],
                 request => "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
is(received_alert($s), 120,
   'ALPN list with nothing the vhost speaks: alert 120 no_application_protocol')
    or diag($s->{out}, $s->{err});
ok(wait_for_log($log0, qr/SSLX01307: no protocol offered by the client via ALPN is enabled/),
   '... logged (INFO) naming the vhost');
