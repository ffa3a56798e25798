package SSLXRawTLS;

# A TLS client that builds every record itself, for tests that send what
# no real client library would: hellos split over many records or padded
# to 64 KiB, malformed extensions, zero-length and oversized records,
# KeyUpdate, ChangeCipherSpec where it does not belong, early data,
# client-initiated renegotiation.  It speaks just enough TLS 1.3
# (TLS_AES_128_GCM_SHA256, x25519) and TLS 1.2 (ECDHE with AES-128-GCM)
# to complete a handshake and protect records; it checks nothing the
# server sends (no certificate or signature verification): the point
# is what the server answers, which read_events() reports as a list of
# events ("hello", "hrr", "alert:50", "warning:100", "ku", "http", "eof",
# "reset", "timeout").  Every read is bounded in time.

use strict;
use warnings;

use Crypt::AuthEnc::GCM qw(gcm_encrypt_authenticate gcm_decrypt_verify);
use Crypt::Digest::SHA256 qw(sha256);
use Crypt::KeyDerivation qw(hkdf_extract hkdf_expand);
use Crypt::Mac::HMAC qw(hmac);
use Crypt::PK::X25519 ();
use Errno qw(EAGAIN EINTR ECONNRESET);
use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes qw(time);

use constant {
    CT_CCS => 20, CT_ALERT => 21, CT_HANDSHAKE => 22, CT_APPDATA => 23,
    HS_CLIENT_HELLO => 1, HS_SERVER_HELLO => 2, HS_NEW_TICKET => 4,
    HS_END_OF_EARLY_DATA => 5, HS_ENCRYPTED_EXTENSIONS => 8,
    HS_CERTIFICATE => 11, HS_SERVER_KEY_EXCHANGE => 12,
    HS_CERT_REQUEST => 13, HS_SERVER_HELLO_DONE => 14, HS_CERT_VERIFY => 15,
    HS_CLIENT_KEY_EXCHANGE => 16, HS_FINISHED => 20, HS_KEY_UPDATE => 24,
    GROUP_X25519 => 29,
};

my $HRR_RANDOM = pack 'H*',
    'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

# ---------------------------------------------------------------------------
# Encoding

sub u8v  { pack('C', length $_[0]) . $_[0] }
sub u16v { pack('n', length $_[0]) . $_[0] }
sub u24v { substr(pack('N', length $_[0]), 1) . $_[0] }

sub ext { my($type, $data) = @_; pack('n', $type) . u16v($data) }

sub handshake_msg { my($type, $body) = @_; pack('C', $type) . u24v($body) }

sub record {
    my($type, $payload, $version) = @_;
    return pack('Cnn', $type, $version // 0x0303, length $payload) . $payload;
}

# $msg cut into records of the given sizes (the last size repeats).
sub records_of {
    my($type, $msg, @sizes) = @_;
    @sizes = (16384) unless @sizes;
    my $out = '';
    my $i = 0;
    # A ClientHello goes in TLS 1.0 records, as clients send it.
    my $ver = $type == CT_HANDSHAKE && $msg =~ /^\x01/ ? 0x0301 : 0x0303;
    while (length $msg) {
        my $n = $sizes[$i < $#sizes ? $i : $#sizes];
        $i++;
        $out .= record($type, substr($msg, 0, $n, ''), $ver);
    }
    return $out;
}

sub random_bytes {
    my $n = shift;
    open my $fh, '<:raw', '/dev/urandom' or die "urandom: $!";
    read($fh, my $b, $n) == $n or die 'short read from /dev/urandom';
    return $b;
}

sub hkdf_label {
    my($secret, $label, $context, $len) = @_;
    my $info = pack('n', $len) . u8v("tls13 $label") . u8v($context);
    return hkdf_expand($secret, 'SHA256', $len, $info);
}

# TLS 1.2's PRF with SHA-256.
sub prf12 {
    my($secret, $label, $seed, $len) = @_;
    $seed = $label . $seed;
    my($a, $out) = ($seed, '');
    while (length $out < $len) {
        $a = hmac('SHA256', $secret, $a);
        $out .= hmac('SHA256', $secret, $a . $seed);
    }
    return substr($out, 0, $len);
}

# ---------------------------------------------------------------------------
# ClientHello

my @DEFAULT_SIGALGS = (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501,
                       0x0806, 0x0601, 0x0807);

# client_hello(%o) -> the handshake message.  Options:
#   tls12 => 1          a TLS 1.2 hello (no supported_versions, key_share)
#   sni => NAME         server_name (undef: none)
#   alpn => [names]     ALPN, or alpn_raw => BYTES (the extension's data)
#   groups => [ids]     supported_groups (default x25519, secp256r1)
#   key_shares => [[group, bytes], ...]  (default: the x25519 share)
#   more_shares => [[group, bytes], ...] before the x25519 share
#   sigalgs => [ids]    or sigalgs_raw => BYTES
#   extra => [[type, data], ...]   more extensions, before the key share
#   sni_raw => BYTES    the server_name extension's data as given
#   suites => [ids]     cipher suites
#   early_data => 1     announce early data (with a PSK given by psk_raw)
#   pad_to => N         a padding extension so the message is N bytes
#   renego => VERIFY    renegotiation_info with the client verify data
sub client_hello {
    my($self, %o) = @_;
    my $tls12 = $o{tls12};
    $self->{client_random} = random_bytes(32);
    my @suites = @{ $o{suites} || ($tls12 ? [0xc02b, 0xc02f] : [0x1301]) };
    my $exts = '';
    if (defined $o{sni_raw}) {
        $exts .= ext(0, $o{sni_raw});
    }
    elsif (defined $o{sni}) {
        $exts .= ext(0, u16v(pack('C', 0) . u16v($o{sni})));
    }
    $exts .= ext(0xff01, u8v($o{renego} // '')) if $tls12;
    $exts .= ext(10, u16v(pack 'n*', @{ $o{groups} || [GROUP_X25519] }));
    $exts .= ext(11, "\x01\x00") if $tls12;
    $exts .= ext(13, defined $o{sigalgs_raw} ? $o{sigalgs_raw}
                     : u16v(pack 'n*', @{ $o{sigalgs} || \@DEFAULT_SIGALGS }));
    if (defined $o{alpn_raw}) {
        $exts .= ext(16, $o{alpn_raw});
    }
    elsif ($o{alpn}) {
        $exts .= ext(16, u16v(join '', map { u8v($_) } @{ $o{alpn} }));
    }
    $exts .= ext($_->[0], $_->[1]) for @{ $o{extra} || [] };
    unless ($tls12) {
        $exts .= ext(43, u8v(pack 'n', 0x0304));
        $exts .= ext(45, u8v("\x01"));          # psk_dhe_ke
        my $shares = $o{key_shares};
        unless ($shares) {
            $self->{x25519} = Crypt::PK::X25519->new->generate_key;
            $shares = [@{ $o{more_shares} || [] },
                       [GROUP_X25519, $self->{x25519}->export_key_raw('public')]];
        }
        $exts .= ext(51, u16v(join '', map { pack('n', $_->[0]) . u16v($_->[1]) }
                                          @$shares));
        $exts .= ext(42, '') if $o{early_data};
    }
    if ($tls12) {
        $self->{x25519} = Crypt::PK::X25519->new->generate_key;
    }
    my $body = pack('n', 0x0303) . $self->{client_random}
               . u8v($o{session_id} // random_bytes(32))
               . u16v(pack 'n*', @suites) . u8v("\x00");
    my $psk = $o{psk_raw} // '';
    if ($o{pad_to}) {
        my $len = 4 + length($body) + 2 + length($exts) + length($psk);
        my $need = $o{pad_to} - $len - 4;
        $exts .= ext(21, "\x00" x ($need > 0 ? $need : 0));
    }
    $exts .= $psk;
    return handshake_msg(HS_CLIENT_HELLO, $body . u16v($exts));
}

# ---------------------------------------------------------------------------
# Connection

sub new {
    my($class, %o) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $o{port}, Proto => 'tcp',
                                     Timeout => 5)
        or return undef;
    binmode $sock;
    return bless { sock => $sock, inbuf => '', hsbuf => '', transcript => '',
                   timeout => $o{timeout} || 5, events => [] }, $class;
}

sub sock { $_[0]->{sock} }

sub send_raw {
    my($self, $bytes) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite $self->{sock}, $bytes, length($bytes) - $off, $off;
        return 0 unless defined $n;
        $off += $n;
    }
    return 1;
}

# Sends a handshake message in plaintext records of the given sizes and
# adds it to the transcript.
sub send_handshake {
    my($self, $msg, @sizes) = @_;
    $self->{transcript} .= $msg;
    return $self->send_raw(records_of(CT_HANDSHAKE, $msg, @sizes));
}

sub close { my $s = $_[0]->{sock}; close $s if $s }

# Reads one record within $deadline: [type, payload] or a string
# ('eof', 'reset', 'timeout').
sub read_record {
    my($self, $deadline) = @_;
    while (1) {
        if (length $self->{inbuf} >= 5) {
            my($type, undef, $len) = unpack 'Cnn', $self->{inbuf};
            if (length $self->{inbuf} >= 5 + $len) {
                my $rec = substr($self->{inbuf}, 0, 5 + $len, '');
                return [$type, substr($rec, 5), substr($rec, 0, 5)];
            }
        }
        my $left = $deadline - time;
        return 'timeout' if $left <= 0;
        next unless IO::Select->new($self->{sock})->can_read($left);
        my $n = sysread $self->{sock}, my $buf, 65536;
        if (!defined $n) {
            next if $! == EAGAIN || $! == EINTR;
            return 'reset';
        }
        return 'eof' if $n == 0;
        $self->{inbuf} .= $buf;
    }
}

# Protection.  $self->{read} / {write}: { key, iv, seq, tls12 }.
sub keys13 {
    my $secret = shift;
    return { secret => $secret, key => hkdf_label($secret, 'key', '', 16),
             iv => hkdf_label($secret, 'iv', '', 12), seq => 0 };
}

sub nonce13 {
    my $k = shift;
    my $seq = "\0\0\0\0" . pack('N2', int($k->{seq} / 2**32), $k->{seq} % 2**32);
    return $k->{iv} ^ $seq;
}

sub seal {
    my($self, $type, $data, $pad) = @_;
    my $k = $self->{write};
    if ($k->{tls12}) {
        my $explicit = pack('N2', 0, $k->{seq});
        my $aad = pack('N2', 0, $k->{seq}) . pack('Cnn', $type, 0x0303, length $data);
        my($ct, $tag) = gcm_encrypt_authenticate('AES', $k->{key},
                                                 $k->{iv} . $explicit, $aad, $data);
        $k->{seq}++;
        return record($type, $explicit . $ct . $tag);
    }
    my $inner = $data . pack('C', $type) . ("\0" x ($pad || 0));
    my $aad = pack('Cnn', CT_APPDATA, 0x0303, length($inner) + 16);
    my($ct, $tag) = gcm_encrypt_authenticate('AES', $k->{key}, nonce13($k), $aad,
                                             $inner);
    $k->{seq}++;
    return $aad . $ct . $tag;
}

# -> [inner type, plaintext] or undef when it does not decrypt.
sub open_record {
    my($self, $rec) = @_;
    my $k = $self->{read};
    my($type, $payload, $head) = @$rec;
    if ($k->{tls12}) {
        return undef if length $payload < 24;
        my $explicit = substr($payload, 0, 8);
        my $tag = substr($payload, -16);
        my $ct = substr($payload, 8, length($payload) - 24);
        my $aad = pack('N2', 0, $k->{seq}) . pack('Cnn', $type, 0x0303, length $ct);
        my $pt = gcm_decrypt_verify('AES', $k->{key}, $k->{iv} . $explicit,
                                    $aad, $ct, $tag);
        $k->{seq}++;
        return defined $pt ? [$type, $pt] : undef;
    }
    return undef if length $payload < 17;
    # Plain copies: CryptX does not read substr()'s lvalues.
    my $ct = substr($payload, 0, -16);
    my $tag = substr($payload, -16);
    my $pt = gcm_decrypt_verify('AES', $k->{key}, nonce13($k), "$head", $ct,
                                $tag);
    $k->{seq}++;
    return undef unless defined $pt;
    $pt =~ s/\0+\z//;
    my $inner = unpack 'C', substr($pt, -1, 1, '');
    return [$inner, $pt];
}

# Sends protected records: send_protected(TYPE, DATA, pad => N).
sub send_protected {
    my($self, $type, $data, %o) = @_;
    return $self->send_raw($self->seal($type, $data, $o{pad}));
}

sub send_http {
    my($self, $req) = @_;
    $req //= "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    return $self->send_protected(CT_APPDATA, $req);
}

# ---------------------------------------------------------------------------
# Reading what the server sends

sub alert_event {
    my $data = shift;
    return 'alert:?' if length $data < 2;
    my($level, $desc) = unpack 'CC', $data;
    return $level == 1 ? "warning:$desc" : "alert:$desc";
}

# Handshake messages from the buffer, as [type, body, raw].
sub take_handshake {
    my $self = shift;
    my @msgs;
    while (length $self->{hsbuf} >= 4) {
        my($type, $l1, $l2) = unpack 'CCn', $self->{hsbuf};
        my $len = $l1 * 65536 + $l2;
        last if length $self->{hsbuf} < 4 + $len;
        my $raw = substr($self->{hsbuf}, 0, 4 + $len, '');
        push @msgs, [$type, substr($raw, 4), $raw];
    }
    return @msgs;
}

# read_events(secs => S, until => qr/.../): reads until an event matches
# `until` (default: any alert, eof, reset), or the time is up ('timeout').
# Protected records are opened when keys are set; the server's KeyUpdate
# updates them.  Returns the events (also kept in $self->{events}).
sub read_events {
    my($self, %o) = @_;
    my $until = $o{until} || qr/^(?:alert|eof|reset)/;
    my $deadline = time + ($o{secs} || $self->{timeout});
    my @ev;
    my $add = sub {
        my $e = shift;
        push @ev, $e;
        push @{ $self->{events} }, $e;
        return $e =~ $until;
    };
    while (1) {
        my $rec = $self->read_record($deadline);
        if (!ref $rec) {
            $add->($rec);
            last;
        }
        my($type, $payload) = @$rec;
        if ($self->{read} && ($type == CT_APPDATA
                              || ($self->{read}{tls12} && $type != CT_CCS))) {
            my $open = $self->open_record($rec);
            if (!$open) { last if $add->('undecryptable'); next }
            ($type, $payload) = @$open;
        }
        if ($type == CT_ALERT) {
            last if $add->(alert_event($payload));
        }
        elsif ($type == CT_CCS) {
            $self->{server_ccs} = 1;
            next;
        }
        elsif ($type == CT_APPDATA) {
            $self->{app_in} .= $payload;
            last if $add->($self->{app_in} =~ m{^HTTP/} ? 'http' : 'data');
        }
        elsif ($type == CT_HANDSHAKE) {
            # Every message of the record is taken; the test looks at
            # the first one that ends the wait.
            $self->{hsbuf} .= $payload;
            my $stop = 0;
            for my $m ($self->take_handshake) {
                my $e = $self->handshake_event($m);
                $stop ||= $add->($e) if defined $e;
            }
            last if $stop;
        }
        else {
            last if $add->("record:$type");
        }
    }
    return \@ev;
}

# One handshake message from the server: its event name, or undef for
# what a test does not care about (tickets).
sub handshake_event {
    my($self, $m) = @_;
    my($type, $body, $raw) = @$m;
    push @{ $self->{server_msgs} }, $m;
    if ($type == HS_SERVER_HELLO) {
        my $hrr = substr($body, 2, 32) eq $HRR_RANDOM;
        $self->{server_random} = substr($body, 2, 32);
        return $hrr ? 'hrr' : 'hello';
    }
    if ($type == HS_KEY_UPDATE) {
        $self->{read} = keys13(hkdf_label($self->{read}{secret}, 'traffic upd',
                                          '', 32));
        return 'ku';
    }
    return undef if $type == HS_NEW_TICKET;
    return "hs:$type";
}

# ---------------------------------------------------------------------------
# TLS 1.3 handshake

sub parse_server_hello {
    my($self, $body) = @_;
    my $pos = 2 + 32;
    my $sid_len = unpack 'C', substr($body, $pos, 1);
    $pos += 1 + $sid_len + 3;
    my $ext_len = unpack 'n', substr($body, $pos, 2);
    $pos += 2;
    my %ext;
    my $end = $pos + $ext_len;
    while ($pos + 4 <= $end) {
        my($t, $l) = unpack 'nn', substr($body, $pos, 4);
        $ext{$t} = substr($body, $pos + 4, $l);
        $pos += 4 + $l;
    }
    return \%ext;
}

# Reads the server's flight after the ClientHello and, for TLS 1.3,
# derives the handshake keys.  Returns 'hello', 'hrr' or the event that
# ended it (an alert, eof, ...).
sub read_server_hello {
    my($self, %o) = @_;
    my $ev = $self->read_events(secs => $o{secs}, until => qr/^(?:hello|hrr|alert|eof|reset|timeout|undecryptable)/);
    my $last = $ev->[-1] // 'timeout';
    return $last unless $last eq 'hello' || $last eq 'hrr';
    my($sh) = grep { $_->[0] == HS_SERVER_HELLO } reverse @{ $self->{server_msgs} };
    $self->{transcript} .= $sh->[2];
    return $last if $last eq 'hrr' || $o{tls12};
    my $ext = $self->parse_server_hello($sh->[1]);
    my $share = $ext->{51} // '';
    return 'no-key-share' if length $share < 4 + 32 || !$self->{x25519};
    my $peer = Crypt::PK::X25519->new->import_key_raw(substr($share, 4, 32), 'public');
    my $ecdhe = $self->{x25519}->shared_secret($peer);
    my $early = hkdf_extract("\0" x 32, "\0" x 32, 'SHA256');
    my $derived = hkdf_label($early, 'derived', sha256(''), 32);
    my $hs = hkdf_extract($ecdhe, $derived, 'SHA256');
    my $th = sha256($self->{transcript});
    $self->{c_hs} = hkdf_label($hs, 'c hs traffic', $th, 32);
    $self->{read} = keys13(hkdf_label($hs, 's hs traffic', $th, 32));
    $self->{master} = hkdf_extract("\0" x 32,
                                   hkdf_label($hs, 'derived', sha256(''), 32),
                                   'SHA256');
    return 'hello';
}

# The rest of the server's TLS 1.3 flight, up to its Finished; then the
# application keys.  Returns 'ok' or the event that ended it.
sub finish13 {
    my($self, %o) = @_;
    # A message may already wait in hsbuf: read_events consumed it.
    my $deadline = time + ($o{secs} || $self->{timeout});
    while (1) {
        my @done = grep { $_->[0] == HS_FINISHED } @{ $self->{server_msgs} };
        last if @done;
        my $ev = $self->read_events(secs => $deadline - time,
                                    until => qr/^(?:hs:20|alert|eof|reset|timeout|undecryptable)/);
        my $last = $ev->[-1] // 'timeout';
        return $last unless $last eq 'hs:20';
    }
    my @msgs = @{ $self->{server_msgs} };
    shift @msgs while @msgs && $msgs[0][0] != HS_ENCRYPTED_EXTENSIONS;
    $self->{transcript} .= $_->[2] for @msgs;
    my $th = sha256($self->{transcript});
    $self->{read} = keys13(hkdf_label($self->{master}, 's ap traffic', $th, 32));
    my $c_ap = hkdf_label($self->{master}, 'c ap traffic', $th, 32);
    $self->{write} = keys13($self->{c_hs});
    my $out = $o{before_finished} // '';
    $self->send_raw($out) if length $out;
    # [type, data, pad] records under the handshake keys
    $self->send_protected($_->[0], $_->[1], pad => $_->[2])
        for @{ $o{before_finished_protected} || [] };
    my($req) = grep { $_->[0] == HS_CERT_REQUEST } @msgs;
    if ($req) {
        # No certificate to give: an empty one, in the request's context.
        my $ctx_len = unpack 'C', $req->[1];
        my $cert = handshake_msg(HS_CERTIFICATE,
                                 substr($req->[1], 0, 1 + $ctx_len) . u24v(''));
        $self->send_protected(CT_HANDSHAKE, $cert);
        $self->{transcript} .= $cert;
    }
    my $fin_key = hkdf_label($self->{c_hs}, 'finished', '', 32);
    my $fin = handshake_msg(HS_FINISHED,
                            hmac('SHA256', $fin_key, sha256($self->{transcript})));
    $self->send_protected(CT_HANDSHAKE, $fin, pad => $o{fin_pad});
    $self->{transcript} .= $fin;
    $self->{write} = keys13($c_ap);
    $self->{server_msgs} = [];
    return 'ok';
}

# handshake13(%client_hello options, sizes => [...]): a whole TLS 1.3
# handshake.  Returns 'ok' or what ended it.
sub handshake13 {
    my($self, %o) = @_;
    my $hello = $self->client_hello(%o);
    $self->send_handshake($hello, @{ $o{sizes} || [] });
    my $r = $self->read_server_hello;
    return $r unless $r eq 'hello';
    return $self->finish13(%o);
}

sub key_update {
    my($self, $requested) = @_;
    my $ok = $self->send_protected(CT_HANDSHAKE,
                                   handshake_msg(HS_KEY_UPDATE, pack 'C', $requested ? 1 : 0));
    $self->{write} = keys13(hkdf_label($self->{write}{secret}, 'traffic upd', '', 32));
    return $ok;
}

# ---------------------------------------------------------------------------
# TLS 1.2 handshake

sub keys12_from {
    my($self, $pre_master) = @_;
    my $randoms = $self->{client_random} . $self->{server_random};
    $self->{master12} = prf12($pre_master, 'master secret', $randoms, 48);
    my $kb = prf12($self->{master12}, 'key expansion',
                   $self->{server_random} . $self->{client_random}, 40);
    $self->{write12} = { tls12 => 1, key => substr($kb, 0, 16),
                         iv => substr($kb, 32, 4), seq => 0 };
    $self->{read12} = { tls12 => 1, key => substr($kb, 16, 16),
                        iv => substr($kb, 36, 4), seq => 0 };
}

# The server's flight up to ServerHelloDone; the ECDHE share it chose.
sub read_flight12 {
    my $self = shift;
    my $deadline = time + $self->{timeout};
    while (!grep { $_->[0] == HS_SERVER_HELLO_DONE } @{ $self->{server_msgs} }) {
        my $ev = $self->read_events(secs => $deadline - time,
                                    until => qr/^(?:hs:14|alert|eof|reset|timeout|undecryptable)/);
        my $last = $ev->[-1] // 'timeout';
        return $last unless $last eq 'hs:14';
    }
    return 'ok';
}

# handshake12(%o): a TLS 1.2 handshake (or, with keys already set, a
# renegotiation inside the protected channel).  ccs_at / kx_sizes let a
# test put the ChangeCipherSpec elsewhere or fragment the key exchange.
sub handshake12 {
    my($self, %o) = @_;
    my $reneg = $self->{write} ? 1 : 0;
    $self->{server_msgs} = [];
    $self->{transcript} = '';
    my $hello = $self->client_hello(%o, tls12 => 1,
                                    renego => $reneg ? $self->{client_verify} : '');
    $self->{transcript} .= $hello;
    if ($reneg) {
        $self->send_protected(CT_HANDSHAKE, $hello);
        my $ev = $self->read_events(until => qr/^(?:hello|alert|warning|eof|reset|timeout)/,
                                    secs => $o{secs});
        my $last = $ev->[-1] // 'timeout';
        return $last unless $last eq 'hello';
        $self->{transcript} .= $self->{server_msgs}[0][2];
    }
    else {
        $self->send_raw(records_of(CT_HANDSHAKE, $hello, @{ $o{sizes} || [] }));
        my $r = $self->read_server_hello(tls12 => 1, secs => $o{secs});
        return $r unless $r eq 'hello';
    }
    my $r = $self->read_flight12;
    return $r unless $r eq 'ok';
    $self->{transcript} .= $_->[2] for @{ $self->{server_msgs} }[1 .. $#{ $self->{server_msgs} }];
    my($ske) = grep { $_->[0] == HS_SERVER_KEY_EXCHANGE } @{ $self->{server_msgs} };
    return 'no-ske' unless $ske;
    my($curve_type, $group, $plen) = unpack 'CnC', $ske->[1];
    return 'not-x25519' unless $group == GROUP_X25519 && $plen == 32;
    my $peer = Crypt::PK::X25519->new->import_key_raw(substr($ske->[1], 4, 32), 'public');
    $self->keys12_from($self->{x25519}->shared_secret($peer));
    my $cert = '';
    if (grep { $_->[0] == HS_CERT_REQUEST } @{ $self->{server_msgs} }) {
        $cert = handshake_msg(HS_CERTIFICATE, u24v(''));
        $self->{transcript} .= $cert;
    }
    my $cke = handshake_msg(HS_CLIENT_KEY_EXCHANGE,
                            u8v($self->{x25519}->export_key_raw('public')));
    $self->{transcript} .= $cke;
    my $ccs = record(CT_CCS, "\x01");
    my $verify = prf12($self->{master12}, 'client finished',
                       sha256($self->{transcript}), 12);
    my $fin = handshake_msg(HS_FINISHED, $verify);
    $self->{transcript} .= $fin;
    my $send_plain_or_old = sub {
        my $msg = shift;
        return $reneg ? $self->seal(CT_HANDSHAKE, $msg)
                      : records_of(CT_HANDSHAKE, $msg, @{ $o{kx_sizes} || [] });
    };
    my $out = $o{before_kx} // '';
    $out .= $send_plain_or_old->($cert) if length $cert;
    $out .= $send_plain_or_old->($cke);
    if (defined $o{ccs_inside_kx}) {
        # ChangeCipherSpec between fragments of the key exchange.
        my @frag = map { record(CT_HANDSHAKE, $_) }
                   (substr($cke, 0, $o{ccs_inside_kx}), substr($cke, $o{ccs_inside_kx}));
        $out = ($o{before_kx} // '')
               . ($cert ne '' ? record(CT_HANDSHAKE, $cert) : '')
               . $frag[0] . $ccs . $frag[1];
    }
    else {
        $out .= $reneg ? $self->seal(CT_CCS, "\x01") : $ccs;
    }
    $self->send_raw($out);
    $self->{write} = $self->{write12};
    $self->send_raw($self->seal(CT_HANDSHAKE, $fin));
    $self->{client_verify} = $verify;
    $self->{server_msgs} = [];
    # The server's CCS, then its Finished under the new keys.
    my $deadline = time + $self->{timeout};
    while (!$self->{server_ccs}) {
        my $rec = $self->read_record($deadline);
        return $rec unless ref $rec;
        if ($rec->[0] == CT_CCS) { $self->{server_ccs} = 1; last }
        if ($rec->[0] == CT_ALERT && !$self->{read}) {
            return alert_event($rec->[1]);
        }
        if ($self->{read}) {
            my $open = $self->open_record($rec) or return 'undecryptable';
            return alert_event($open->[1]) if $open->[0] == CT_ALERT;
        }
    }
    $self->{server_ccs} = 0;
    $self->{read} = $self->{read12};
    my $ev = $self->read_events(until => qr/^(?:hs:20|alert|eof|reset|timeout|undecryptable)/);
    my $last = $ev->[-1] // 'timeout';
    return $last eq 'hs:20' ? 'ok' : $last;
}

1;
