# TLS exchanges that stock clients rarely make, driven by the suite's
# raw-record client (t/lib/SSLXRawTLS.pm): a TLS 1.3 KeyUpdate that asks
# for the server's, a request after a refused client renegotiation,
# the alert of a failed handshake reaching a client that is still
# sending, malformed ALPN extensions; and what SSLProtocol "all" means.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use SSLXRawTLS;

plan tests => 20,
    need { 'gnutls-cli is needed' => have_cmd('gnutls-cli') };

my $port = port('sslx_main');

sub raw { SSLXRawTLS->new(port => $_[0] // $port, timeout => 10) }

sub events_str { join ' ', @{ $_[0] } }

# ---- TLS 1.3 KeyUpdate -------------------------------------------------------
# A KeyUpdate with update_requested must be answered with the server's own
# before its next application data (RFC 8446 4.6.3).
{
    my $c = raw();
    is($c->handshake13(sni => 'localhost'), 'ok', 'TLS 1.3 handshake');
    $c->key_update(1);
    $c->send_http("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    my $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'ku http',
       'KeyUpdate(update_requested): the server updates its keys, then answers');
    # Keep-alive: the next request under the new keys in both directions.
    $c->send_http("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    $c->{app_in} = '';
    $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'http', '... and the next request is answered under the new keys');
    $c->close;

    # A KeyUpdate while a response is corked (headers held back for the
    # body): asked for between two requests on one connection.
    $c = raw();
    $c->handshake13(sni => 'localhost');
    $c->send_http("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    $c->{app_in} = '';
    $c->key_update(1);
    $c->key_update(0);
    $c->send_http("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n");
    $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'ku http',
       'KeyUpdate after a first response: answered once, then the response');
    $c->close;

    $c = raw();
    $c->handshake13(sni => 'localhost');
    $c->key_update(0);
    $c->send_http;
    $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'http', 'KeyUpdate(update_not_requested): no KeyUpdate back');
    $c->close;
}

# ---- client-initiated renegotiation --------------------------------------------
# Refused with a no_renegotiation warning; the connection stays usable.
{
    my $c = raw();
    is($c->handshake12(sni => 'localhost'), 'ok', 'TLS 1.2 handshake');
    is($c->handshake12(sni => 'localhost'), 'warning:100',
       'client renegotiation: no_renegotiation warning');
    $c->send_http;
    my $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'http', '... and a request after it is answered');
    $c->close;

    $c = raw();
    $c->handshake12(sni => 'localhost');
    my @r = map { $c->handshake12(sni => 'localhost') } 1 .. 5;
    is("@r", join(' ', ('warning:100') x 5), 'five refused renegotiations in a row');
    $c->send_http;
    $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    is(events_str($ev), 'http', '... then a request is answered');
    $c->close;
}

# ---- the alert of a failed handshake reaches a client still sending ---------
# A hello with no usable cipher suite, followed by more bytes than the
# server reads before it gives up: the server must not turn the close into
# a reset, which destroys the alert on its way on a real network.
{
    my $c = raw();
    my $hello = $c->client_hello(sni => 'localhost', suites => [0x1399]);
    $c->send_raw(SSLXRawTLS::records_of(22, $hello)
                 . SSLXRawTLS::record(23, 'x' x 16000) x 12);
    my $ev = $c->read_events(until => qr/^(?:eof|reset)/);
    is($ev->[0], 'alert:40', 'no common cipher suite: handshake_failure alert');
    is($ev->[-1], 'eof', '... then a clean close, not a reset')
        or diag(events_str($ev));
    $c->close;
}
still_serving('a failed handshake with unread bytes');

# ---- ALPN extensions that do not parse: decode_error, as GnuTLS ------------
for my $case (['an empty ALPN extension', ''],
              ['an empty ALPN list', "\x00\x00"],
              ['an ALPN name that overruns the list',
               SSLXRawTLS::u16v("\x02h2\x08http/1")],
              ['a zero-length ALPN name', SSLXRawTLS::u16v("\x02h2\x00")]) {
    my($what, $data) = @$case;
    my $c = raw();
    $c->send_handshake($c->client_hello(sni => 'localhost', alpn_raw => $data));
    is($c->read_server_hello, 'alert:50', "$what: decode_error");
    $c->close;
}
still_serving('malformed ALPN');

# ---- SSLProtocol all: TLS 1.2 and 1.3 ----------------------------------------
{
    my $h = start_tls_server('protocol_all', '', 'SSLXProtocol all -SSLv3');
    my $g = gnutls_cli(port => $h->{port}, sni => 'localhost',
                       priority => 'NORMAL:-VERS-ALL:+VERS-TLS1.1',
                       request => "GET /ok.txt HTTP/1.0\r\n\r\n");
    like($g->{out} . $g->{err}, qr/Received alert \[70\]/,
         'SSLXProtocol all -SSLv3: a TLS 1.1 client gets protocol_version')
        or diag($g->{out}, $g->{err});
    my $h2 = start_tls_server('protocol_tls11', '',
                              'SSLXProtocol all +TLSv1.1');
    # Given while the configuration is read: on stderr, before the
    # error log is open.
    like(($h2->{stderr} // '') . (read_file($h2->{stderr_file}) // ''),
         qr/\[sslx:warn\].*SSLX02401: SSLXProtocol .*TLS 1\.0 and 1\.1 are deprecated/,
         'SSLXProtocol all +TLSv1.1: a warning at startup');
    stop_tls_servers();
}

sub still_serving {
    my $what = shift;
    my $r = curl_https(port => $port, host => 'localhost', path => '/ok.txt');
    is($r->{code}, 200, "after $what: a normal HTTPS request succeeds")
        or diag($r->{err});
}
