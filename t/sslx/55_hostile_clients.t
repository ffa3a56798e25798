# Hostile and unusual clients, differential against GnuTLS's own server.
#
# The test starts gnutls-serv with the certificate, key and priority
# string of a stand-alone mod_sslx server, plays every case below with
# the raw-record client (t/lib/SSLXRawTLS.pm) against both, and asks for
# the same answer: the same alert, or the same success.  After each case
# a normal TLS 1.3 request to mod_sslx must succeed.  Then, without a
# counterpart in gnutls-serv: client renegotiation (refused by mod_sslx
# by design, DESIGN.md section 2), clients that vanish at every step (no
# spinning child afterwards) and a stalled handshake (mod_reqtimeout).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use POSIX qw(WNOHANG);
use SSLXTest;
use SSLXRawTLS;
use Time::HiRes qw(time sleep);

my $PRIO = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA';
my $X25519 = 29;
my $P256 = 23;

*u16v = \&SSLXRawTLS::u16v;
*u8v = \&SSLXRawTLS::u8v;
*record = \&SSLXRawTLS::record;
*records_of = \&SSLXRawTLS::records_of;
*hs_msg = \&SSLXRawTLS::handshake_msg;

# ---------------------------------------------------------------------------
# Outcomes: what a client sees, as a short string

sub rnd { SSLXRawTLS::random_bytes(shift) }

# The first answer to a ClientHello sent in records of @sizes.
sub hello_answer {
    my($c, $sizes, %o) = @_;
    $c->send_handshake($c->client_hello(sni => 'localhost', %o), @{ $sizes || [] });
    return $c->read_server_hello;
}

# Events until the first answer or the end.  What the answer says is
# the HTTP server's business (httpd and gnutls-serv answer a request line
# of 16,000 x's differently): any application data counts as "http".
sub request_events {
    my($c, $req) = @_;
    $c->send_http($req);
    my $ev = $c->read_events(until => qr/^(?:http|data|alert|eof|reset)/);
    return join ' ', map { $_ eq 'data' ? 'http' : $_ } @$ev;
}

# A whole TLS 1.3 handshake (options for client_hello and finish13),
# $after->($c) if given, then a request.
sub full13 {
    my($c, %o) = @_;
    my $after = delete $o{after};
    my $r = $c->handshake13(sni => 'localhost', %o);
    return "handshake: $r" unless $r eq 'ok';
    $after->($c) if $after;
    return request_events($c);
}

sub full12 {
    my($c, %o) = @_;
    my $after = delete $o{after};
    my $r = $c->handshake12(sni => 'localhost', %o);
    return "handshake: $r" unless $r eq 'ok';
    $after->($c) if $after;
    return request_events($c);
}

# ---------------------------------------------------------------------------
# The cases: [name, code] where code gets a fresh connection

my @cases;
sub case { push @cases, [@_] }

# ClientHello fragmented over records
for my $n (1, 2, 3, 4, 5, 7, 16, 50, 100, 255) {
    case("TLS 1.3 ClientHello in records of $n bytes",
         sub { full13($_[0], sizes => [$n]) });
}
for my $n (2, 3, 5, 8) {
    case("ClientHello split into $n records", sub {
        my $c = shift;
        my $hello = $c->client_hello(sni => 'localhost');
        my $part = int(length($hello) / $n) + 1;
        $c->send_handshake($hello, $part);
        return $c->read_server_hello eq 'hello' ? $c->finish13 : 'no hello';
    });
}
case('TLS 1.2 ClientHello in 1-byte records', sub { full12($_[0], sizes => [1]) });
case('TLS 1.2 ClientKeyExchange in 1-byte records',
     sub { full12($_[0], kx_sizes => [1]) });
case('ClientHello records of 1, 2, 3, ... bytes',
     sub { full13($_[0], sizes => [1 .. 30]) });

# Large ClientHellos
for my $k (2, 16, 32, 64) {
    my $size = $k == 64 ? 65535 + 70 : $k * 1024;
    case("ClientHello of ${k} KiB", sub { full13($_[0], pad_to => $size) });
    case("ClientHello of ${k} KiB in 1 KiB records",
         sub { full13($_[0], pad_to => $size, sizes => [1024]) });
}
case('TLS 1.2 ClientHello of 32 KiB', sub { full12($_[0], pad_to => 32768) });
case('1,000 unknown extensions', sub {
    full13($_[0], extra => [map { [0x1000 + $_, ''] } 1 .. 1000]);
});
case('1,000 unknown extensions with data', sub {
    full13($_[0], extra => [map { [0x3000 + $_, "x" x 40] } 1 .. 1000]);
});
case('200 key shares for unknown groups before x25519', sub {
    full13($_[0], more_shares => [map { [0x0200 + $_, rnd(32)] } 1 .. 200]);
});
case('300 key shares, groups listed', sub {
    full13($_[0], groups => [(map { 0x0200 + $_ } 1 .. 300), $X25519],
           more_shares => [map { [0x0200 + $_, rnd(32)] } 1 .. 300]);
});
case('ALPN list of 3,000 names', sub {
    full13($_[0], alpn => [(map { "p$_" } 1 .. 3000), 'http/1.1']);
});
case('ALPN name of 255 bytes', sub { full13($_[0], alpn => ['x' x 255, 'http/1.1']) });
case('signature_algorithms of 20,000 entries', sub {
    full13($_[0], sigalgs => [(map { 0x9000 + $_ } 1 .. 20000), 0x0403]);
});
case('signature_algorithms of 20,000 entries, known ones first', sub {
    full13($_[0], sigalgs => [0x0403, 0x0804, map { 0x9000 + $_ } 1 .. 20000]);
});
case('10,000 cipher suites', sub {
    full13($_[0], suites => [(map { 0x5000 + $_ } 1 .. 10000), 0x1301]);
});

# Groups and key shares
case('only an unknown group and its share', sub {
    hello_answer($_[0], [], groups => [0x1234], key_shares => [[0x1234, rnd(32)]]);
});
for my $len (0, 1, 31, 33, 64) {
    case("x25519 key share of $len bytes", sub {
        hello_answer($_[0], [], key_shares => [[$X25519, rnd($len)]]);
    });
}
case('secp256r1 share that is not a point', sub {
    hello_answer($_[0], [], groups => [$P256], key_shares => [[$P256, "\x04" . rnd(64)]]);
});
case('secp256r1 share of 10 bytes', sub {
    hello_answer($_[0], [], groups => [$P256], key_shares => [[$P256, rnd(10)]]);
});
case('no key share (HelloRetryRequest expected)', sub {
    hello_answer($_[0], [], groups => [$X25519, $P256], key_shares => []);
});
case('a share for a group not listed', sub {
    hello_answer($_[0], [], groups => [$P256]);
});
case('the x25519 share twice', sub {
    my $c = shift;
    my $pk = rnd(32);
    hello_answer($c, [], key_shares => [[$X25519, $pk], [$X25519, $pk]]);
});
case('empty supported_groups', sub { hello_answer($_[0], [], groups => []) });

# Malformed server_name
my %sni = (
    'empty server_name extension'       => '',
    'server_name list length 0'         => "\x00\x00",
    'server_name list longer than data' => "\x00\x20\x00\x00\x09localhost",
    'server_name of unknown type'       => u16v("\x01" . u16v('localhost')),
    'server_name overrunning its list'  => u16v("\x00\x00\x40localhost"),
    'server_name with a NUL byte'       => u16v("\x00" . u16v("local\0host")),
    'server_name of 300 bytes'          => u16v("\x00" . u16v('a' x 300)),
    'server_name empty'                 => u16v("\x00" . u16v('')),
    'two server_names'                  => u16v("\x00" . u16v('localhost')
                                                . "\x00" . u16v('other')),
    'server_name with a trailing dot'   => u16v("\x00" . u16v('localhost.')),
    'server_name in UTF-8'              => u16v("\x00" . u16v("l\xc3\xb6calhost")),
);
for my $what (sort keys %sni) {
    case($what, sub { full13($_[0], sni_raw => $sni{$what}) });
}

# Malformed ALPN
my %alpn = (
    'empty ALPN extension'        => '',
    'ALPN list length 0'          => "\x00\x00",
    'ALPN name overrunning'       => u16v("\x02h2\x08http/1"),
    'ALPN zero-length name'       => u16v("\x08http/1.1\x00"),
    'ALPN list length too long'   => "\x00\x20\x08http/1.1",
    'ALPN list length too short'  => "\x00\x03\x08http/1.1",
    'ALPN of one byte'            => "\x00",
);
for my $what (sort keys %alpn) {
    case($what, sub { full13($_[0], alpn_raw => $alpn{$what}) });
}

# Malformed signature_algorithms
my %sigalgs = (
    'empty signature_algorithms extension' => '',
    'signature_algorithms list length 0'   => "\x00\x00",
    'signature_algorithms of odd length'   => "\x00\x03\x04\x03\x08",
    'signature_algorithms length mismatch' => "\x00\x06\x04\x03",
    'only unknown signature algorithms'    => u16v(pack 'n*', 0xfefe, 0x0101),
    'only RSA signature algorithms'        => u16v(pack 'n*', 0x0804, 0x0401),
);
for my $what (sort keys %sigalgs) {
    case($what, sub { full13($_[0], sigalgs_raw => $sigalgs{$what}) });
}

# Zero-length and padded records in and after the handshake
case('zero-length handshake record before the ClientHello', sub {
    my $c = shift;
    $c->send_raw(record(22, '', 0x0301));
    hello_answer($c);
});
case('zero-length application data before the ClientHello', sub {
    my $c = shift;
    $c->send_raw(record(23, ''));
    hello_answer($c);
});
case('zero-length alert record before the ClientHello', sub {
    my $c = shift;
    $c->send_raw(record(21, ''));
    hello_answer($c);
});
case('zero-length handshake record between ClientHello fragments', sub {
    my $c = shift;
    my $hello = $c->client_hello(sni => 'localhost');
    $c->{transcript} .= $hello;
    $c->send_raw(record(22, substr($hello, 0, 50), 0x0301) . record(22, '', 0x0301)
                 . record(22, substr($hello, 50), 0x0301));
    return $c->read_server_hello;
});
case('zero-length application data between ClientHello fragments', sub {
    my $c = shift;
    my $hello = $c->client_hello(sni => 'localhost');
    $c->{transcript} .= $hello;
    $c->send_raw(record(22, substr($hello, 0, 50), 0x0301) . record(23, '')
                 . record(22, substr($hello, 50), 0x0301));
    return $c->read_server_hello;
});
case('TLS 1.3 zero-length application data before the client Finished', sub {
    full13($_[0], before_finished_protected => [[23, '', 0]]);
});
case('TLS 1.3 padded empty handshake record before the client Finished', sub {
    full13($_[0], before_finished_protected => [[22, '', 100]]);
});
case('TLS 1.3 client Finished padded by 1,000 bytes', sub {
    full13($_[0], fin_pad => 1000);
});
case('TLS 1.2 zero-length application data before the key exchange', sub {
    full12($_[0], before_kx => record(23, ''));
});
case('TLS 1.2 zero-length handshake record before the key exchange', sub {
    full12($_[0], before_kx => record(22, ''));
});
for my $spec ([1, 0], [10, 0], [1, 200], [5, 16000]) {
    my($n, $pad) = @$spec;
    case("$n zero-length application data record(s) padded by $pad after the handshake", sub {
        full13($_[0], after => sub {
            $_[0]->send_protected(23, '', pad => $pad) for 1 .. $n;
        });
    });
}
case('request in 1-byte records, each padded', sub {
    my $c = shift;
    my $r = $c->handshake13(sni => 'localhost');
    return "handshake: $r" unless $r eq 'ok';
    $c->send_protected(23, $_, pad => 7)
        for split //, "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my $ev = $c->read_events(until => qr/^(?:http|alert|eof|reset)/);
    return join ' ', @$ev;
});
case('record of padding only (no content type)', sub {
    full13($_[0], after => sub {
        my $c = shift;
        my $k = $c->{write};
        # An inner plaintext of zeros: the record has no content type.
        my $inner = "\0" x 20;
        my $aad = pack('Cnn', 23, 0x0303, length($inner) + 16);
        my($ct, $tag) = Crypt::AuthEnc::GCM::gcm_encrypt_authenticate(
            'AES', $k->{key}, SSLXRawTLS::nonce13($k), $aad, $inner);
        $k->{seq}++;
        $c->send_raw($aad . $ct . $tag);
    });
});
case('TLS 1.2 zero-length application data after the handshake', sub {
    full12($_[0], after => sub { $_[0]->send_protected(23, '') for 1 .. 3 });
});

# KeyUpdate
case('KeyUpdate update_requested', sub { full13($_[0], after => sub { $_[0]->key_update(1) }) });
case('KeyUpdate update_not_requested', sub { full13($_[0], after => sub { $_[0]->key_update(0) }) });
case('100 KeyUpdates update_not_requested', sub {
    full13($_[0], after => sub { $_[0]->key_update(0) for 1 .. 100 });
});
case('100 KeyUpdates update_requested', sub {
    full13($_[0], after => sub { $_[0]->key_update(1) for 1 .. 100 });
});
case('8 KeyUpdates update_requested', sub {
    full13($_[0], after => sub { $_[0]->key_update(1) for 1 .. 8 });
});
case('KeyUpdate with value 2', sub {
    full13($_[0], after => sub {
        $_[0]->send_protected(22, hs_msg(24, "\x02"));
    });
});
case('KeyUpdate of 2 bytes', sub {
    full13($_[0], after => sub {
        $_[0]->send_protected(22, hs_msg(24, "\x01\x01"));
    });
});
case('KeyUpdate before the client Finished', sub {
    full13($_[0], before_finished_protected => [[22, hs_msg(24, "\x00"), 0]]);
});
case('KeyUpdate in a TLS 1.2 session', sub {
    full12($_[0], after => sub { $_[0]->send_protected(22, hs_msg(24, "\x01")) });
});

# ChangeCipherSpec in every position
my $ccs = record(20, "\x01");
case('CCS before the ClientHello', sub {
    my $c = shift;
    $c->send_raw($ccs);
    hello_answer($c);
});
case('CCS after the ClientHello (middlebox compatibility)', sub {
    full13($_[0], before_finished => $ccs);
});
case('two CCS after the ClientHello', sub {
    full13($_[0], before_finished => $ccs x 2);
});
case('CCS with value 2', sub { full13($_[0], before_finished => record(20, "\x02")) });
case('CCS of two bytes', sub { full13($_[0], before_finished => record(20, "\x01\x01")) });
case('empty CCS record', sub { full13($_[0], before_finished => record(20, '')) });
case('CCS between ClientHello fragments', sub {
    my $c = shift;
    my $hello = $c->client_hello(sni => 'localhost');
    $c->{transcript} .= $hello;
    $c->send_raw(record(22, substr($hello, 0, 60), 0x0301) . $ccs
                 . record(22, substr($hello, 60), 0x0301));
    return $c->read_server_hello;
});
case('CCS after the handshake (TLS 1.3)', sub {
    full13($_[0], after => sub { $_[0]->send_raw($ccs) });
});
case('protected CCS after the handshake (TLS 1.3)', sub {
    full13($_[0], after => sub { $_[0]->send_protected(20, "\x01") });
});
case('TLS 1.2 CCS before the key exchange', sub { full12($_[0], before_kx => $ccs) });
for my $at (1, 4, 10, 30) {
    case("TLS 1.2 CCS inside the key exchange at byte $at",
         sub { full12($_[0], ccs_inside_kx => $at) });
}
case('TLS 1.2 CCS after the handshake', sub {
    full12($_[0], after => sub { $_[0]->send_raw($_[0]->seal(20, "\x01")) });
});

# Early data
my $bogus_psk = SSLXRawTLS::ext(41, u16v(u16v(rnd(64)) . pack('N', 1000))
                                 . u16v(u8v(rnd(32))));
case('early data with an unknown ticket', sub {
    full13($_[0], early_data => 1, psk_raw => $bogus_psk,
           before_finished => join '', map { record(23, rnd(100)) } 1 .. 3);
});
case('early data of 15,000 bytes with an unknown ticket', sub {
    full13($_[0], early_data => 1, psk_raw => $bogus_psk,
           before_finished => join '', map { record(23, rnd(1000)) } 1 .. 15);
});
case('early data of 20,000 bytes with an unknown ticket', sub {
    full13($_[0], early_data => 1, psk_raw => $bogus_psk,
           before_finished => join '', map { record(23, rnd(1000)) } 1 .. 20);
});
case('early data announced without a ticket', sub {
    full13($_[0], early_data => 1, before_finished => record(23, rnd(100)));
});
case('early data sent without announcing it', sub {
    full13($_[0], before_finished => record(23, rnd(100)));
});

# Records over 2^14
case('ClientHello record of 16,384 bytes', sub {
    full13($_[0], pad_to => 16384, sizes => [16384]);
});
case('ClientHello record of 16,385 bytes', sub {
    full13($_[0], pad_to => 16385, sizes => [16385]);
});
case('record header claiming 18,000 bytes', sub {
    my $c = shift;
    $c->send_raw(pack('Cnn', 22, 0x0301, 18000) . rnd(18000));
    return $c->read_server_hello;
});
case('protected record with 16,385 bytes of plaintext', sub {
    full13($_[0], after => sub { $_[0]->send_protected(23, 'x' x 16385) });
});
case('protected record of 16,384 + 256 + 1 bytes', sub {
    full13($_[0], after => sub {
        $_[0]->send_raw(pack('Cnn', 23, 0x0303, 16641) . rnd(16641));
    });
});
case('protected record with 16,384 bytes of plaintext and padding', sub {
    full13($_[0], after => sub { $_[0]->send_protected(23, 'x' x 16000, pad => 384) });
});

# Garbage before the ClientHello (not starting with a capital letter, which
# mod_sslx answers as plain HTTP, like mod_ssl)
for my $g (["\x00", 'a zero byte'], ["\x01\x02\x03\x04\x05", 'five bytes'],
           ["\x80\x2e\x01\x03\x01", 'an SSLv2-style header'],
           ["\x16\x03\x01\x00\x00", 'an empty handshake record header'],
           ["\x16\x03\x09\x00\x05hello", 'a record of version 3.9'],
           ["\x16\xfe\xfd\x00\x05hello", 'a DTLS record'],
           ["\x19\x03\x03\x00\x01\x00", 'a record of type 25']) {
    my($bytes, $what) = @$g;
    # Some of these leave both servers waiting for more: 2 s tells, and
    # stays under mod_reqtimeout's handshake stage (5 s).
    case("garbage before the ClientHello: $what", sub {
        my $c = shift;
        $c->send_raw($bytes);
        hello_answer($c);
    }, 2);
}
case('garbage before the ClientHello: 1 KiB of random bytes', sub {
    my $c = shift;
    my $junk = rnd(1024);
    substr($junk, 0, 1, "\x02");
    $c->send_raw($junk);
    hello_answer($c);
});

# A second ClientHello where none belongs
case('TLS 1.3 ClientHello after the handshake', sub {
    full13($_[0], after => sub {
        my $c = shift;
        $c->send_protected(22, $c->client_hello(sni => 'localhost'));
    });
});
case('two ClientHellos in a row', sub {
    my $c = shift;
    my $hello = $c->client_hello(sni => 'localhost');
    $c->send_raw(records_of(22, $hello . $hello));
    return $c->read_server_hello . ' ' . join ' ', @{ $c->read_events(secs => 3) };
});

# ---------------------------------------------------------------------------
# Servers

# Client certificate chains, to servers that ask for one and accept any
# (SSLXVerifyClient optional_no_ca; gnutls-serv without
# --disable-client-cert, which asks and does not verify).
my @chain_cases = (
    ['a 50-certificate client chain', 50, 0],
    ['a 100 KiB client chain', 20, 4800],
    ['a client certificate that is not DER', 0, 0],
    ['an empty client certificate list', -1, 0],
);

my $truncated_cases = 1;    # truncated ClientHellos: one assertion
plan tests => 2 * @cases + 2 * $truncated_cases + 2 * @chain_cases + 9,
    need { 'gnutls-serv is needed' => have_cmd('gnutls-serv') };

my $h = start_tls_server('hostile',
                         "RequestReadTimeout handshake=5 header=10 body=10",
                         qq{SSLXPriorities "$PRIO"});
my @gpids;
END { local $?; for (@gpids) { kill 'TERM', $_; waitpid $_, 0 } }

# gnutls-serv with the certificate and priority string of the mod_sslx
# server, on a free port; more options in @args.
sub start_gnutls_serv {
    my($name, @args) = @_;
    my $gport = free_port();
    my $glog = t_logs() . "/$name.log";
    my $gpid = fork // die "fork: $!";
    if (!$gpid) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $glog;
        open STDERR, '>&', \*STDOUT;
        { exec 'gnutls-serv', '--http', '-p', $gport, @args,
               '--x509certfile', pki('localhost.ecdsa.crt'),
               '--x509keyfile', pki('localhost.ecdsa.key'), '--priority', $PRIO }
        POSIX::_exit(127);
    }
    push @gpids, $gpid;
    wait_for_port($gport, 20, $gpid) or die "gnutls-serv did not start: "
        . (read_file($glog) // '');
    return $gport;
}

die "mod_sslx server did not start: " . ($h->{stderr} // '') unless $h->{up};
our %port = (gnutls => start_gnutls_serv('gnutls-serv', '--disable-client-cert'),
            sslx => $h->{port});

sub play {
    my($who, $code, $timeout) = @_;
    my $c = SSLXRawTLS->new(port => $port{$who}, timeout => $timeout || 5)
        or return 'no connection';
    my $r = eval { $code->($c) };
    $r = "died: $@" unless defined $r;
    $c->close;
    return $r;
}

sub serving {
    my $c = SSLXRawTLS->new(port => $port{sslx}, timeout => 10)
        or return 'no connection';
    my $r = full13($c);
    $c->close;
    return $r;
}

my $t0 = time;
for my $case (@cases) {
    my($name, $code, $timeout) = @$case;
    my $g = play('gnutls', $code, $timeout);
    my $x = play('sslx', $code, $timeout);
    is($x, $g, "$name: $g");
    is(serving(), 'http', "... mod_sslx still serves");
}

# Truncated ClientHellos: each length of the body, with the lengths in the
# record and message headers telling the truth about the cut.
{
    my @diff;
    my $base = SSLXRawTLS->new(port => $port{sslx});
    my $hello = $base->client_hello(sni => 'localhost', alpn => ['http/1.1']);
    $base->close;
    my $body = substr($hello, 4);
    my $n = 0;
    for my $len (0 .. length($body) - 1) {
        my $msg = hs_msg(1, substr($body, 0, $len));
        my $code = sub {
            my $c = shift;
            $c->send_raw(record(22, $msg, 0x0301));
            return $c->read_server_hello;
        };
        my($g, $x) = (play('gnutls', $code, 3), play('sslx', $code, 3));
        $n++;
        push @diff, "length $len: mod_sslx $x, gnutls-serv $g" if $g ne $x;
    }
    is(scalar(@diff), 0, "$n truncated ClientHellos answered alike")
        or diag(join "\n", @diff[0 .. ($#diff < 9 ? $#diff : 9)]);
    is(serving(), 'http', '... mod_sslx still serves');
    diag(sprintf '%d differential cases and %d truncated hellos in %.0f s',
         scalar(@cases), $n, time - $t0);
}

# Client certificate chains.
{
    my $hc = start_tls_server('hostile_cc', '', qq{SSLXPriorities "$PRIO"
    SSLXVerifyClient optional_no_ca
    SSLXVerifyDepth 32
    SSLXCACertificateFile "@{[ pki('ca.crt') ]}"});
    diag('client-certificate server: ' . ($hc->{stderr} // '')) unless $hc->{up};
    local %port = (gnutls => start_gnutls_serv('gnutls-serv-cc'),
                   sslx => $hc->{port});
    for my $cc (@chain_cases) {
        my($name, $n, $san) = @$cc;
        my($chain, $key) = $n > 0 ? make_chain($n, $san)
                         : $n == 0 ? ([SSLXRawTLS::random_bytes(600)], undef)
                         : ([], undef);
        my $size = 0;
        $size += length for @$chain;
        my $code = sub {
            my $c = shift;
            my %o = (client_chain => $chain);
            if (!$key) {
                # Nothing to sign with: the CertificateVerify is left out
                # with the certificate, which a non-DER one cannot pass.
                %o = $n == 0 ? (client_chain_only => $chain) : ();
            }
            full13($c, %o, client_key => $key);
        };
        my $g = play('gnutls', $code, 10);
        my $x = play('sslx', $code, 10);
        is($x, $g, "$name ($size bytes): $g");
        is(serving(), 'http', '... mod_sslx still serves');
    }
}

# A chain of $n ECDSA certificates, leaf first, each signed by the next,
# each with $san bytes of subjectAltName: ([DER, ...], leaf key file).
sub make_chain {
    my($n, $san) = @_;
    my $dir = t_logs() . "/chain-$n";
    mkdir $dir;
    my $names = $san ? join(',', map { sprintf 'DNS:n%05d.example.org', $_ }
                                 1 .. int($san / 20)) : '';
    write_file("$dir/ca.ext", "basicConstraints=critical,CA:TRUE\n"
               . ($names ? "subjectAltName=$names\n" : ''));
    write_file("$dir/leaf.ext", "basicConstraints=CA:FALSE\n"
               . ($names ? "subjectAltName=$names\n" : ''));
    my $top = $n - 1;
    my $script = <<EOS;
set -e
cd '$dir'
for i in \$(seq 0 $top); do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k\$i.pem 2>/dev/null
done
openssl req -x509 -new -key k$top.pem -subj /CN=chain-root -days 2 -out c$top.pem
for i in \$(seq \$(($top - 1)) -1 0); do
    ext=ca.ext; [ \$i -eq 0 ] && ext=leaf.ext
    openssl req -new -key k\$i.pem -subj /CN=chain-\$i -out r\$i.pem
    up=\$((i + 1))
    openssl x509 -req -in r\$i.pem -CA c\$up.pem -CAkey k\$up.pem -set_serial \$up -days 2 -extfile \$ext -out c\$i.pem 2>/dev/null
done
for i in \$(seq 0 $top); do openssl x509 -in c\$i.pem -outform DER -out c\$i.der; done
EOS
    my $r = run_cmd(['sh', '-c', $script], timeout => 120);
    die "making a chain of $n failed: $r->{err}" if $r->{rc};
    return ([map { read_file("$dir/c$_.der") } 0 .. $top], "$dir/k0.pem");
}

# ---------------------------------------------------------------------------
# Without a counterpart in gnutls-serv

# Client renegotiation, 100 times: gnutls-serv renegotiates, mod_sslx
# refuses each time with a no_renegotiation warning; both keep serving.
{
    my %r;
    for my $who (qw(gnutls sslx)) {
        $r{$who} = play($who, sub {
            my $c = shift;
            my $r = $c->handshake12(sni => 'localhost');
            return "handshake: $r" unless $r eq 'ok';
            my %seen;
            $seen{ $c->handshake12(sni => 'localhost') }++ for 1 .. 100;
            return join(' ', map { "$_ x$seen{$_}" } sort keys %seen)
                   . ', then ' . request_events($c);
        }, 10);
    }
    is($r{gnutls}, 'ok x100, then http', 'gnutls-serv: 100 renegotiations');
    is($r{sslx}, 'warning:100 x100, then http',
       'mod_sslx: 100 refused renegotiations (no_renegotiation), then a request');
}

# Clients that vanish at every step, and in the middle of a response.
sub children_cpu {
    my $ppid = $h->{pid};
    my $ticks = 0;
    for my $stat (glob '/proc/[0-9]*/stat') {
        my $s = read_file($stat) // next;
        my @f = split ' ', substr($s, rindex($s, ')') + 2);
        # fields after the name: state ppid ... utime(12) stime(13)
        $ticks += $f[11] + $f[12] if $f[1] == $ppid;
    }
    return $ticks;
}
{
    my @steps = (
        sub { },
        sub { $_[0]->send_raw(substr(records_of(22, $_[0]->client_hello(sni => 'localhost')), 0, 40)) },
        sub { $_[0]->send_handshake($_[0]->client_hello(sni => 'localhost')) },
        sub { $_[0]->send_handshake($_[0]->client_hello(sni => 'localhost'));
              $_[0]->read_server_hello },
        sub { $_[0]->handshake13(sni => 'localhost') },
        sub { $_[0]->handshake12(sni => 'localhost') },
        sub { $_[0]->handshake13(sni => 'localhost');
              $_[0]->send_http("GET /ok.txt HTTP/1.1\r\nHost: localhost\r\n\r\n") },
        sub { $_[0]->handshake13(sni => 'localhost');
              $_[0]->send_http("GET /gen/big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
              $_[0]->read_record(time + 5) },
        sub { $_[0]->handshake13(sni => 'localhost');
              $_[0]->send_raw(substr($_[0]->seal(23, "GET / HTTP/1.1\r\n"), 0, 10)) },
    );
    make_big_file();
    for my $round (1 .. 3) {
        for my $step (@steps) {
            my $c = SSLXRawTLS->new(port => $port{sslx}) or next;
            eval { $step->($c) };
            $c->close;
        }
    }
    sleep 1;
    my $cpu0 = children_cpu();
    sleep 3;
    my $spent = children_cpu() - $cpu0;
    ok($spent <= 10, '27 vanished clients: the children stay idle afterwards')
        or diag("children used $spent ticks in 3 s");
    is(serving(), 'http', '... and mod_sslx still serves');
}

# A stalled handshake: mod_reqtimeout's handshake stage (5 s) ends it.
{
    my $c = SSLXRawTLS->new(port => $port{sslx}, timeout => 20);
    my $t = time;
    $c->send_raw(substr(records_of(22, $c->client_hello(sni => 'localhost')), 0, 30));
    my $ev = $c->read_events(secs => 20);
    my $took = time - $t;
    like($ev->[-1], qr/^(?:eof|reset|alert)/, 'stalled handshake: the server ends it');
    ok($took >= 4 && $took < 15, '... after about the 5 s handshake timeout')
        or diag("took ${took}s");
    $c->close;
    is(serving(), 'http', '... and mod_sslx still serves');
}

{
    my @bad = sslx_log_problems(read_file($h->{elog}) // '');
    is(scalar(@bad), 0, 'no mod_sslx warning or error for any of this')
        or diag(join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)]);
    my $crashes = () = (read_file($h->{elog}) // '') =~ /exit signal|child pid \d+ exit/g;
    is($crashes, 0, 'no child crashed');
}

sub make_big_file {
    my $dir = Apache::Test::vars('documentroot') . '/gen';
    mkdir $dir;
    write_file("$dir/big.bin", 'b' x (4 * 1024 * 1024))
        unless -s "$dir/big.bin";
}
