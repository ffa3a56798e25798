# What the server does with bad input on a TLS port:
# plain HTTP gets mod_ssl's 400 page, garbage and broken records end the
# connection (with a fatal alert at most), clients that vanish or stall in
# the handshake do no harm, the server keeps serving, client-initiated
# renegotiation is refused, and a connection ends with close_notify.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use Net::SSLeay ();
use Socket qw(MSG_PEEK MSG_DONTWAIT);
use SSLXTest;
use Time::HiRes qw(time);

plan tests => 56, need_cgi;

my $port = port('sslx_main');
my $log0 = log_offset();

sub still_serving {
    my $what = shift;
    my $r = curl_https(port => $port, host => 'localhost', path => '/ok.txt');
    is($r->{code}, 200, "after $what: a normal HTTPS request succeeds")
        or diag($r->{err});
}

# TLS records in a byte string: ([type, version, payload], ...)
sub records {
    my $data = shift;
    my @rec;
    while (length($data) >= 5) {
        my($type, $ver, $len) = unpack 'C n n', $data;
        push @rec, [$type, $ver, substr($data, 5, $len)];
        substr($data, 0, 5 + $len, '');
    }
    return @rec;
}

# Sends $bytes on a new TCP connection (optionally half-closing it) and
# returns (reply, closed, seconds).
sub poke {
    my($bytes, %o) = @_;
    my $s = tcp_connect($port) or return ('', 0, 0);
    my $t0 = time;
    syswrite $s, $bytes if length $bytes;
    shutdown($s, 1) if $o{half_close};
    my($data, $eof) = read_all($s, $o{wait} || 10);
    my $dt = time - $t0;
    close $s;
    return ($data, $eof, $dt);
}

# The reply to garbage is silence or one fatal alert record.
sub alert_or_nothing {
    my($data, $what) = @_;
    return ok(1, "$what: closed without a reply") if $data eq '';
    my @r = records($data);
    my $alert = @r == 1 && $r[0][0] == 21 && length($r[0][2]) == 2;
    ok($alert, "$what: the only reply is one alert record")
        or diag('reply: ' . unpack('H*', substr($data, 0, 64)));
}

sub alert_level {
    my $data = shift;
    my @r = records($data);
    return undef unless @r && $r[0][0] == 21 && length($r[0][2]) == 2;
    return unpack 'C', $r[0][2];
}

# A real ClientHello, made by OpenSSL through memory BIOs.
sub client_hello {
    my $sni = shift;
    Net::SSLeay::initialize();
    my $ctx = Net::SSLeay::CTX_new() or die 'CTX_new';
    my $ssl = Net::SSLeay::new($ctx);
    my $rb = Net::SSLeay::BIO_new(Net::SSLeay::BIO_s_mem());
    my $wb = Net::SSLeay::BIO_new(Net::SSLeay::BIO_s_mem());
    Net::SSLeay::set_bio($ssl, $rb, $wb);
    Net::SSLeay::set_tlsext_host_name($ssl, $sni) if $sni;
    Net::SSLeay::set_connect_state($ssl);
    Net::SSLeay::do_handshake($ssl);
    my $hello = Net::SSLeay::BIO_read($wb);
    Net::SSLeay::free($ssl);
    Net::SSLeay::CTX_free($ctx);
    return $hello;
}

# ---- plain HTTP on the TLS port -------------------------------------------------
my($data, $eof) = poke("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
my $res = parse_http_response($data);
is($res->{code}, 400, 'plain HTTP request on the TLS port: 400');
like($res->{body}, qr/speaking plain HTTP to an SSL-enabled server port/,
     '... the page says "speaking plain HTTP to an SSL-enabled server port"');
like($res->{body}, qr/Instead use the HTTPS scheme to access this URL/,
     '... and tells to use https');
like($res->{headers}->{connection} // '', qr/close/i, '... Connection: close');
ok($eof, '... and the server closes the connection');
my $sslx_page = $res->{body};

($data, $eof) = poke("POST /cgi/echo.cgi HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
is(parse_http_response($data)->{code}, 400, 'plain HTTP/1.0 POST: 400 as well');
($data, $eof) = poke("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
like($data, qr{^HTTP/1\.1 400 }, 'plain HEAD: 400');
still_serving('plain HTTP');

# The same request to mod_ssl (same server, comparison vhost): same page.
SKIP: {
    skip 'mod_ssl is not installed', 2 unless have_modssl();
    my $s = tcp_connect(port('modssl_diff'));
    syswrite $s, "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n";
    my($d) = read_all($s, 10);
    my $mres = parse_http_response($d);
    is($res->{code} // '', $mres->{code} // '', 'mod_ssl answers plain HTTP with the same status');
    is($sslx_page, $mres->{body}, '... and the same page');
}

# ---- garbage ------------------------------------------------------------------------
my $seed = 42;
my $junk = join '', map { $seed = ($seed * 1103515245 + 12345) % 2**31;
                          chr(($seed >> 16) & 0xff) } 1 .. 300;
substr($junk, 0, 1, "\x01");   # neither a TLS record nor an HTTP method
my $dt;
($data, $eof, $dt) = poke($junk);
ok($eof, 'random bytes: the server closes the connection');
ok($dt < 8, 'random bytes: ... promptly (no read timeout needed)')
    or diag("took ${dt}s");
alert_or_nothing($data, 'random bytes');
still_serving('random bytes');

($data, $eof, $dt) = poke("\x16\x03\x01\x00\x40" . ("\x01" x 20), half_close => 1);
ok($eof, 'truncated record, then EOF: connection closed');
ok($dt < 3, '... at once, not after a timeout') or diag("took ${dt}s");
alert_or_nothing($data, 'truncated record');
still_serving('a truncated record');

($data, $eof, $dt) = poke("\x16\x03\x01\xff\xff" . ("\x00" x 100));
ok($eof, 'record header claiming 65535 bytes: connection closed');
ok($dt < 8, '... without waiting for the 65535 bytes') or diag("took ${dt}s");
alert_or_nothing($data, 'oversized record');
my $lvl = alert_level($data);
ok(!defined $lvl || $lvl == 2, '... any alert is fatal');
still_serving('an oversized record');

($data, $eof, $dt) = poke("\x17\x03\x03\x00\x10" . ("\xaa" x 16));
ok($eof, 'application data before the handshake: connection closed');
alert_or_nothing($data, 'application data before the handshake');
still_serving('application data before the handshake');

# A real ClientHello followed by garbage in place of the next flight.
my $hello = client_hello('localhost');
ok(length($hello) > 100, 'built a ClientHello');
{
    my $s = tcp_connect($port);
    syswrite $s, $hello;
    my $sh = read_some($s, 5);
    my @r = records($sh);
    ok(@r && $r[0][0] == 22, 'the server answers a real ClientHello with a handshake record');
    syswrite $s, "\x16\x03\x03\x00\x05\xff\xff\xff\xff\xff";
    my($d, $e) = read_all($s, 10);
    ok($e, 'garbage handshake message after ServerHello: connection closed');
    close $s;
}
still_serving('a broken handshake');

# ---- clients that go away ------------------------------------------------------
for (1 .. 20) {
    my $s = tcp_connect($port);
    close $s if $s;
}
still_serving('20 connections closed before sending anything');
for (1 .. 10) {
    my $s = tcp_connect($port) or next;
    syswrite $s, substr($hello, 0, 50);
    close $s;
}
still_serving('10 connections closed in the middle of the ClientHello');
for (1 .. 10) {
    my $s = tcp_connect($port) or next;
    syswrite $s, $hello;
    read_some($s, 5);
    close $s;
}
still_serving('10 connections closed after the ServerHello');

# ---- a client that stalls in the handshake ------------------------------------
# RequestReadTimeout handshake=5 is configured: mod_reqtimeout must see the
# handshake reads and end the connection.
{
    my $s = tcp_connect($port);
    my $t0 = time;
    syswrite $s, substr($hello, 0, 30);
    my($d, $e) = read_all($s, 20);
    my $took = time - $t0;
    ok($e, 'stalled handshake: the server ends the connection');
    ok($took >= 4 && $took < 15,
       'stalled handshake: after about the 5 s handshake timeout')
        or diag("took ${took}s");
    close $s;
}
still_serving('a stalled handshake');

# ---- client-initiated renegotiation (TLS 1.2) ---------------------------------
SKIP: {
    skip 'gnutls-cli is needed', 2 unless have_cmd('gnutls-cli');
    my $g = gnutls_cli(port => $port, sni => 'localhost',
                       priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.2',
                       args => ['--rehandshake'],
                       request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n");
    my $all = $g->{out} . $g->{err};
    ok($g->{handshake_ok}, 'TLS 1.2 handshake before the renegotiation attempt')
        or diag($all);
    # gnutls-cli gives up after the refusal; it retries a few times, so
    # the alert must be a warning that leaves the connection usable.
    like($all, qr/Received alert \[100\]/,
         'client-initiated renegotiation: no_renegotiation warning alert')
        or diag($all);
}
still_serving('a refused renegotiation');

# ---- close_notify ------------------------------------------------------------
SKIP: {
    skip 'gnutls-cli is needed', 2 unless have_cmd('gnutls-cli');
    my $g = gnutls_cli(port => $port, sni => 'localhost',
                       request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n");
    is(($g->{response} || {})->{code}, 200, 'gnutls-cli: HTTP/1.0 request answered');
    ok($g->{closed_cleanly} && ($g->{out} . $g->{err}) !~ /non-properly terminated/,
       'gnutls-cli: the server closed with close_notify')
        or diag($g->{out}, $g->{err});
}
for my $v (['TLS 1.3', 'TLSv1_3'],
           ['TLS 1.2', 'TLSv1_2']) {
    my($name, $ver) = @$v;
    my $s = tls_connect(port => $port, sni => 'localhost', SSL_version => $ver);
    unless ($s) {
        fail("$name connection: $@") for 1 .. 2;
        next;
    }
    print {$s} "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    my($d, $e) = read_all($s, 10);
    like($d, qr{^HTTP/1\.1 200 }, "$name, Connection: close: answered");
    my $ssl = $s->_get_ssl_object;
    ok(Net::SSLeay::get_shutdown($ssl) & Net::SSLeay::RECEIVED_SHUTDOWN(),
       "$name: close_notify received before the TCP close");
    close $s;
}
{
    # close_notify also ends a connection the client leaves idle after
    # keep-alive requests (the server closes it at KeepAliveTimeout).
    my $s = tls_connect(port => $port, sni => 'localhost');
    print {$s} "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n";
    my($d, $e) = read_all($s, 15);
    like($d, qr{^HTTP/1\.1 200 }, 'keep-alive request answered');
    ok($e, 'idle keep-alive connection closed by the server');
    my $ssl = $s->_get_ssl_object;
    ok(Net::SSLeay::get_shutdown($ssl) & Net::SSLeay::RECEIVED_SHUTDOWN(),
       'keep-alive timeout: close_notify received');
    close $s;
}

# ---- ssl-unclean-shutdown, ssl-accurate-shutdown (mod_ssl's variables) -------
# What the TCP connection under a TLS socket says: 'eof' (the server
# closed it), 'open' (nothing to read yet) or 'data'.
sub tcp_state {
    my $s = shift;
    open my $raw, '+<&', fileno($s) or return "dup: $!";
    my $r = recv($raw, my $buf = '', 1, MSG_PEEK | MSG_DONTWAIT);
    return !defined $r ? 'open' : length $buf ? 'data' : 'eof';
}
sub ends_with {
    my $agent = shift;
    my $s = tls_connect(port => $port, sni => 'localhost');
    print {$s} "GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n"
             . "User-Agent: $agent\r\nConnection: close\r\n\r\n";
    my($d) = read_all($s, 10);
    my $notify = Net::SSLeay::get_shutdown($s->_get_ssl_object)
                 & Net::SSLeay::RECEIVED_SHUTDOWN() ? 1 : 0;
    return ($s, $d, $notify);
}
{
    my($s, $d, $notify) = ends_with('sslx-unclean');
    like($d, qr{^HTTP/1\.1 200 }, 'ssl-unclean-shutdown (BrowserMatch): '
         . 'answered');
    ok(!$notify, '... and closed without close_notify');
    close $s;
}
{
    my($s, $d, $notify) = ends_with('sslx-accurate');
    like($d, qr{^HTTP/1\.1 200 }, 'ssl-accurate-shutdown: answered');
    ok($notify, '... with close_notify');
    select undef, undef, undef, 1.5;
    is(tcp_state($s), 'open', '... and the server waits for the client\'s '
       . 'close_notify');
    Net::SSLeay::shutdown($s->_get_ssl_object);
    my $state = '';
    for (1 .. 50) {
        last if ($state = tcp_state($s)) eq 'eof';
        select undef, undef, undef, 0.1;
    }
    is($state, 'eof', '... then closes');
    close $s;
}
{
    my($s, $d, $notify) = ends_with('sslx-standard');
    my $state = '';
    for (1 .. 50) {
        last if ($state = tcp_state($s)) eq 'eof';
        select undef, undef, undef, 0.1;
    }
    ok($notify && $state eq 'eof', 'by default: close_notify, and the server '
       . 'closes without waiting for the client\'s');
    close $s;
}

# ---- none of this is an error for mod_sslx -------------------------------------
my @bad = sslx_log_problems(log_since($log0));
is(scalar(@bad), 0, 'no mod_sslx warning or error logged for client mistakes')
    or diag(join "\n", @bad);
