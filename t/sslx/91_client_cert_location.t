# SSLXVerifyClient require inside <Location>, on a vhost that asks for no
# certificate in the handshake (cc_loc; /cc/need/ and /cc/need-small/ in
# t/conf/clientcert.last.conf.in).  The certificate is asked for when a
# request reaches the location: TLS 1.3 post-handshake authentication when
# the client offered it, a server-initiated renegotiation under TLS 1.2.
# The request body is read before and handed to the handler unchanged
# after (up to SSLXRenegBufferSize, else 413); HTTP/2 clients are sent
# back to HTTP/1.1; a certificate verified once on a connection is not
# asked for again; clients cannot renegotiate on their own.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use Digest::SHA qw(sha256_hex);
use File::Spec::Functions qw(catfile);
use SSLXTest;

my $mpm = Apache::Test::vars('sslx_mpm') || '';
my $h2 = $mpm ne 'prefork'
         && Apache::Test::have_module('mod_http2.c')
         && run_cmd([qw(curl --version)])->{out} =~ /\bHTTP2\b/;

plan tests => 65, need_cgi,
    need { 'gnutls-cli is needed' => have_cmd('gnutls-cli'),
           'openssl is needed'    => have_cmd('openssl') };

my $port = port('cc_loc');
my $log0 = log_offset();
my $tmp = SSLXTest::tmp_dir();
my @tls12 = ('--tls-max', '1.2');

sub get_req { "GET $_[0] HTTP/1.0\r\nHost: localhost\r\n\r\n" }

sub curl {
    my($cert, $path, @args) = @_;
    return curl_https(port => $port, path => $path,
                      args => [client_cert_args(curl => $cert), @args]);
}

sub code_verify {
    my $r = shift;
    return ($r->{code} // '') . ' ' . ((($r->{env} || {})->{SSL_CLIENT_VERIFY}) // '-');
}

sub logged {
    my($off, $re, $what) = @_;
    ok(wait_for_log($off, $re, 5), $what) or diag(log_since($off));
}

# A file of $n pseudo-random bytes, and what echo.cgi answers for it.
my $seed = 7;
sub body_file {
    my($n, $name) = @_;
    my $data = join '', map { $seed = ($seed * 1103515245 + 12345) % 2**31;
                              chr(($seed >> 11) & 0xff) } 1 .. $n;
    my $file = catfile($tmp, $name);
    write_file($file, $data);
    return ($file, "length=$n\nsha256=" . sha256_hex($data) . "\n", $data);
}

# ---- no certificate is asked for outside the location ---------------------
my $r = curl('alice', '/cc/env/env.cgi');
is(code_verify($r), '200 NONE',
   'outside /cc/need/: no certificate asked for in the handshake')
    or diag($r->{err});

# ---- TLS 1.3: post-handshake authentication ---------------------------------
# gnutls-cli keeps its stdin open until it exits (SSLXTest::gnutls_cli):
# it answers the CertificateRequest only while it is still reading.
my $off = log_offset();
my $g = gnutls_cli(port => $port, sni => 'localhost',
                   request => get_req('/cc/need/env.cgi'),
                   args => ['--post-handshake-auth',
                            client_cert_args('gnutls-cli' => 'alice')]);
my $genv = SSLXTest::parse_env(($g->{response} || {})->{body});
is(($g->{response} || {})->{code}, 200,
   'TLS 1.3, gnutls-cli --post-handshake-auth: 200') or diag($g->{out}, $g->{err});
like($g->{out} . $g->{err}, qr/Re-auth was performed/,
     '... the certificate was asked for after the handshake');
is($genv->{SSL_CLIENT_VERIFY}, 'SUCCESS', '... SSL_CLIENT_VERIFY=SUCCESS');
is($genv->{SSL_CLIENT_S_DN_CN}, 'alice', '... SSL_CLIENT_S_DN_CN');
is($genv->{SSL_PROTOCOL}, 'TLSv1.3', '... over TLS 1.3');
logged($off, qr/SSLX01701: client certificate accepted \(SUCCESS\): CN=alice,/,
       '... SSLX01701 names the subject');

# (-quiet: s_client prints TLS 1.3 tickets on a buffered stream that can
# end up in the middle of the response.)
my $s = s_client(port => $port, sni => 'localhost',
                 request => get_req('/cc/need/env.cgi'),
                 args => ['-quiet', '-tls1_3', '-enable_pha',
                          client_cert_args(s_client => 'alice')]);
my $senv = SSLXTest::parse_env(($s->{response} || {})->{body});
is(($s->{response} || {})->{code}, 200, 'TLS 1.3, openssl s_client -enable_pha: 200')
    or diag($s->{out}, $s->{err});
is($senv->{SSL_CLIENT_VERIFY}, 'SUCCESS', '... SSL_CLIENT_VERIFY=SUCCESS');

$r = curl('alice', '/cc/need/env.cgi');
is(code_verify($r), '200 SUCCESS',
   'TLS 1.3, curl (offers post-handshake auth): 200, SUCCESS') or diag($r->{err});
is(($r->{env} || {})->{SSL_PROTOCOL}, 'TLSv1.3', '... over TLS 1.3');
is(($r->{env} || {})->{SSL_CLIENT_CERT}, file_pem(pki('client-alice.crt')),
   '... SSL_CLIENT_CERT is the certificate sent after the handshake');

$off = log_offset();
$g = gnutls_cli(port => $port, sni => 'localhost',
                request => get_req('/cc/need/env.cgi'),
                args => [client_cert_args('gnutls-cli' => 'alice')]);
is(($g->{response} || {})->{code}, 403,
   'TLS 1.3 client without post-handshake auth: 403') or diag($g->{out}, $g->{err});
logged($off, qr/\[sslx:info\].*SSLX01904: .*did not offer post-handshake authentication/,
       '... SSLX01904 says the client did not offer post-handshake auth');

$off = log_offset();
$r = curl(undef, '/cc/need/env.cgi');
is($r->{code}, 403, 'TLS 1.3, no client certificate: 403') or diag($r->{err});
logged($off, qr/SSLX01906: access to \/cc\/need\/env\.cgi denied: client certificate NONE/,
       '... SSLX01906 names the location');

$off = log_offset();
$r = curl('mallory', '/cc/need/env.cgi');
is($r->{code}, 403, 'TLS 1.3, revoked certificate: 403') or diag($r->{err});
logged($off, qr/SSLX01702: client certificate rejected: certificate revoked \(subject: CN=mallory,/,
       '... logged as revoked, with the subject');

# ---- TLS 1.2: renegotiation started by the server --------------------------
$r = curl('alice', '/cc/need/env.cgi', @tls12);
is(code_verify($r), '200 SUCCESS', 'TLS 1.2, curl: renegotiation, 200, SUCCESS')
    or diag($r->{err});
is(($r->{env} || {})->{SSL_PROTOCOL}, 'TLSv1.2', '... over TLS 1.2');
is(($r->{env} || {})->{SSL_CLIENT_S_DN_CN}, 'alice', '... SSL_CLIENT_S_DN_CN');

my $ua = lwp_agent(SSL_version => 'TLSv1_2', client_cert_args(perl => 'alice'));
my $res = $ua->get("https://localhost:$port/cc/need/env.cgi");
my $lenv = SSLXTest::parse_env($res->content);
is($res->code, 200, 'TLS 1.2, LWP (IO::Socket::SSL): 200') or diag($res->status_line);
is($lenv->{SSL_CLIENT_VERIFY}, 'SUCCESS', '... SSL_CLIENT_VERIFY=SUCCESS');
is($lenv->{SSL_PROTOCOL}, 'TLSv1.2', '... over TLS 1.2');

$s = s_client(port => $port, sni => 'localhost',
              request => get_req('/cc/need/env.cgi'),
              args => ['-quiet', '-tls1_2', client_cert_args(s_client => 'alice')]);
is(($s->{response} || {})->{code}, 200, 'TLS 1.2, openssl s_client: 200')
    or diag($s->{out}, $s->{err});
is(SSLXTest::parse_env(($s->{response} || {})->{body})->{SSL_CLIENT_VERIFY},
   'SUCCESS', '... SSL_CLIENT_VERIFY=SUCCESS');

# A GnuTLS client offers the ticket of its first handshake again and
# waits for a new one: the renegotiation ignores the ticket (resuming
# would bring no certificate) and still issues one.
for my $prio ('NORMAL:-VERS-TLS1.3', 'NORMAL:-VERS-TLS1.3:%NO_TICKETS') {
    $g = gnutls_cli(port => $port, sni => 'localhost', priority => $prio,
                    request => get_req('/cc/need/env.cgi'),
                    args => [client_cert_args('gnutls-cli' => 'alice')]);
    my $env = SSLXTest::parse_env(($g->{response} || {})->{body});
    is(($g->{response} || {})->{code} . ' '
       . ($env->{SSL_CLIENT_VERIFY} // '-') . ' '
       . ($env->{SSL_SESSION_RESUMED} // '-'), '200 SUCCESS Initial',
       "TLS 1.2, gnutls-cli --priority $prio: renegotiation, 200, SUCCESS, "
       . 'not resumed') or diag($g->{out}, $g->{err});
}

$off = log_offset();
$r = curl(undef, '/cc/need/env.cgi', @tls12);
ok($r->{rc} != 0 && $r->{code} eq '000',
   'TLS 1.2, no client certificate: the failed renegotiation ends the connection')
    or diag("rc $r->{rc}, code $r->{code}: $r->{err}");
logged($off, qr/SSLX01703: client sent no certificate, but one is required/,
       '... logged: no certificate');

$off = log_offset();
$r = curl('mallory', '/cc/need/env.cgi', @tls12);
ok($r->{rc} != 0 && $r->{code} eq '000',
   'TLS 1.2, revoked certificate: the connection ends')
    or diag("rc $r->{rc}, code $r->{code}: $r->{err}");
logged($off, qr/SSLX01702: client certificate rejected: certificate revoked \(subject: CN=mallory,/,
       '... logged as revoked, with the subject');

# ---- request bodies across the re-authentication --------------------------
my($f60, $e60, $d60) = body_file(60 * 1024, 'body60k');
my($f4096, $e4096) = body_file(4096, 'body4096');
my($f4097) = body_file(4097, 'body4097');
my($f200) = body_file(200 * 1024, 'body200k');
my $empty = sha256_hex('');

sub post {
    my($file, $path, @args) = @_;
    return curl('alice', $path, '--data-binary', "\@$file",
                '-H', 'Content-Type: application/octet-stream', @args);
}

for my $v (['TLS 1.3'], ['TLS 1.2', @tls12]) {
    my($name, @pargs) = @$v;
    $r = curl('alice', '/cc/need/echo.cgi', '-X', 'POST', '--data-binary', '',
              @pargs);
    is(($r->{code} // '') . ' ' . ($r->{body} // ''), "200 length=0\nsha256=$empty\n",
       "$name: POST with an empty body") or diag($r->{err});
    $r = post($f60, '/cc/need/echo.cgi', @pargs);
    is(($r->{code} // '') . ' ' . ($r->{body} // ''), "200 $e60",
       "$name: POST of 60 KiB: the handler gets the body byte for byte")
        or diag($r->{err});
    $r = post($f60, '/cc/need/echo.cgi', '-H', 'Transfer-Encoding: chunked', @pargs);
    is(($r->{code} // '') . ' ' . ($r->{body} // ''), "200 $e60",
       "$name: chunked POST of 60 KiB: the same") or diag($r->{err});
    $r = post($f4096, '/cc/need-small/echo.cgi', @pargs);
    is(($r->{code} // '') . ' ' . ($r->{body} // ''), "200 $e4096",
       "$name: SSLXRenegBufferSize 4096: a body of 4096 bytes passes")
        or diag($r->{err});
    $off = log_offset();
    $r = post($f4097, '/cc/need-small/echo.cgi', @pargs);
    is($r->{code}, 413, "$name: a body of 4097 bytes: 413") or diag($r->{err});
    logged($off, qr/SSLX01901: request body exceeds SSLXRenegBufferSize \(4096 bytes\)/,
           "$name: ... SSLX01901 names the limit");
    $r = post($f200, '/cc/need/echo.cgi', @pargs);
    is($r->{code}, 413, "$name: 200 KiB over the default limit (128 KiB): 413")
        or diag($r->{err});
}

$res = $ua->post("https://localhost:$port/cc/need/echo.cgi",
                 'Content-Type' => 'application/octet-stream', Content => $d60);
is($res->code . ' ' . $res->content, "200 $e60",
   'TLS 1.2, LWP POST of 60 KiB across the renegotiation')
    or diag($res->status_line);

# ---- keep-alive: asked once per connection ------------------------------------
for my $v (['TLS 1.3'], ['TLS 1.2', @tls12]) {
    my($name, @pargs) = @$v;
    my $envfile = catfile($tmp, 'ka-env');
    unlink $envfile;
    $off = log_offset();
    my $k = run_cmd(['curl', '-sS', '--http1.1', '--max-time', 20,
                     '--cacert', pki('ca.crt'),
                     '--resolve', "localhost:$port:127.0.0.1",
                     client_cert_args(curl => 'alice'), @pargs,
                     '-w', '%{http_code} %{num_connects} %{local_port}\n',
                     "https://localhost:$port/cc/env/ok.txt", '-o', '/dev/null',
                     "https://localhost:$port/cc/need/ok.txt", '-o', '/dev/null',
                     "https://localhost:$port/cc/need/ok.txt", '-o', '/dev/null',
                     "https://localhost:$port/cc/need/env.cgi", '-o', $envfile],
                    timeout => 40);
    my @t = map { [split ' '] } grep { /\S/ } split /\n/, $k->{out};
    is(join(',', map { $_->[0] } @t), '200,200,200,200',
       "$name, keep-alive: four requests answered") or diag($k->{err});
    is(join(',', map { $_->[1] } @t), '1,0,0,0', "$name: ... on one connection");
    my $lport = @t ? $t[0][2] : 0;
    sleep 0.3;
    my $n = () = log_since($off) =~ /\[client 127\.0\.0\.1:$lport\] SSLX01701: /g;
    is($n, 1, "$name: ... the certificate was asked for once");
    is(SSLXTest::parse_env(read_file($envfile))->{SSL_CLIENT_VERIFY}, 'SUCCESS',
       "$name: ... and the last request still sees SSL_CLIENT_VERIFY=SUCCESS");
}

# ---- HTTP/2 ----------------------------------------------------------------------------
SKIP: {
    skip 'no HTTP/2 (prefork MPM, mod_http2 or curl without it)', 6 unless $h2;
    my @h2 = ('curl', '-sS', '--http2', '--max-time', 20,
              '--cacert', pki('ca.crt'),
              '--resolve', "localhost:$port:127.0.0.1",
              '-w', '%{http_code} %{http_version} %{num_connects}', '-o');
    my $k = run_cmd([@h2, '/dev/null', "https://localhost:$port/cc/env/ok.txt"],
                    timeout => 30);
    is($k->{out}, '200 2 1', 'HTTP/2 client: this vhost speaks h2')
        or diag($k->{err});
    $off = log_offset();
    my $envfile = catfile($tmp, 'h2-env');
    $k = run_cmd([@h2, $envfile, client_cert_args(curl => 'alice'),
                  "https://localhost:$port/cc/need/env.cgi"], timeout => 30);
    my($code, $ver, $conns) = split ' ', $k->{out};
    is($code, 200, 'HTTP/2 request for /cc/need/: 200 in the end') or diag($k->{err});
    is($ver, '1.1', '... answered over HTTP/1.1 (curl retried by itself)');
    is($conns, 2, '... on a second connection');
    is(SSLXTest::parse_env(read_file($envfile))->{SSL_CLIENT_VERIFY}, 'SUCCESS',
       '... with SSL_CLIENT_VERIFY=SUCCESS');
    logged($off, qr/SSLX01903: a client certificate is required here, but HTTP\/2 cannot ask for one/,
           '... SSLX01903 logged for the HTTP/2 stream');
}

# ---- renegotiation started by the client is refused -------------------------
$off = log_offset();
my $o = run_cmd(['openssl', 's_client', '-connect', "127.0.0.1:$port",
                 '-servername', 'localhost', '-tls1_2',
                 '-CAfile', pki('ca.crt')],
                stdin => "R\n", keep_stdin_open => 1, timeout => 15);
like($o->{out} . $o->{err}, qr/RENEGOTIATING.*no renegotiation/s,
     'openssl s_client -tls1_2, "R": the server answers no_renegotiation')
    or diag($o->{out}, $o->{err});
logged($off, qr/\[sslx:info\].*SSLX01404: client-initiated renegotiation refused/,
       '... SSLX01404 at INFO');
$g = gnutls_cli(port => $port, sni => 'localhost',
                priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.2',
                args => ['--rehandshake'], request => get_req('/cc/env/ok.txt'));
like($g->{out} . $g->{err}, qr/Received alert \[100\]/,
     'gnutls-cli --rehandshake: warning alert 100 (no_renegotiation)')
    or diag($g->{out}, $g->{err});

# ---- none of this is a server problem ---------------------------------------
my @bad = sslx_log_problems(log_since($log0));
is(scalar(@bad), 0, 'no mod_sslx warning or error logged')
    or diag(join "\n", @bad);
