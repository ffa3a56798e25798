package SSLXOCSP;

# OCSP fixtures for the stapling and client-certificate tests.
#
# The responder's port is only known at test time, so the certificates
# that name it (Authority Information Access) are made by the test itself
# with certtool: ocsp_pki() makes a CA, its responder and the
# certificates in a directory of the test's own.  `openssl ocsp` serves
# as the responder (start_responder); canned_server() answers every
# request with one fixed response (a response without the request's
# nonce, an old one, or a proxy), and blackhole() accepts connections and
# never answers.  Every process started here is stopped at the end.

use strict;
use warnings;

use File::Path qw(make_path);
use IO::Socket::INET ();
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

use SSLXTest;

use Exporter 'import';
our @EXPORT = qw(ocsp_pki start_responder stop_responder responder_requests
                 canned_response canned_server blackhole ocsp_status
                 wait_until);

# ---------------------------------------------------------------------------
# Certificates

sub certtool {
    my($dir, @args) = @_;
    my $r = run_cmd(['certtool', @args], timeout => 60);
    die "certtool @args failed: $r->{err}$r->{out}\n" if $r->{rc};
}

sub key { certtool($_[0], '--generate-privkey', '--key-type', 'ecdsa',
                   '--no-text', '--outfile', $_[1]) }

# cert(DIR, NAME, SIGNER, TEMPLATE-LINES): DIR/NAME.crt and .key, signed
# by SIGNER (a name in DIR) or self-signed when SIGNER is undef.
sub cert {
    my($dir, $name, $signer, @lines) = @_;
    key($dir, "$dir/$name.key");
    write_file("$dir/$name.tmpl", join("\n", @lines,
                                       'expiration_days = 3650', ''));
    my @sign = defined $signer
        ? ('--generate-certificate', '--load-ca-privkey', "$dir/$signer.key",
           '--load-ca-certificate', "$dir/$signer.crt")
        : ('--generate-self-signed');
    certtool($dir, @sign, '--load-privkey', "$dir/$name.key",
             '--template', "$dir/$name.tmpl", '--outfile', "$dir/$name.crt",
             '--no-text');
}

sub ca_lines { ("cn = \"$_[0]\"", 'serial = ' . $_[1], 'ca',
                'cert_signing_key', 'crl_signing_key') }

sub url_of { "http://127.0.0.1:$_[0]/" }

# ocsp_pki(DIR, port => P, sub_port => P2, dead_port => P3): makes in DIR
#   ca            "OCSP Test CA"; rsp: its delegated responder (ocspSigning)
#   other-ca      a CA nobody trusts; other-rsp: a responder it signed
#   sub-ca        an intermediate below ca (serial 0x3001), AIA -> port
#   www           server certificate for localhost, 0x1001, AIA -> port;
#                 www.chain.crt = www + ca
#   revoked       the same, 0x1002, revoked in the index
#   nourl         the same, 0x1003, no AIA
#   elsewhere     the same, 0x1004, AIA -> dead_port
#   alice mallory carol noaia   client certificates 0x2001 (good),
#                 0x2002 (revoked), 0x2003 (not in the index), 0x2004
#                 (good, no AIA), AIA -> port
#   deep          client certificate below sub-ca (0x2005), AIA -> sub_port;
#                 deep.chain.crt = deep + sub-ca
#   index.txt     the responder's index for ca: www, nourl, elsewhere,
#                 alice, noaia good; revoked, mallory and sub-ca revoked
#   sub-index.txt the index for sub-ca: deep good
# Returns DIR.
sub ocsp_pki {
    my($dir, %o) = @_;
    make_path($dir);
    my $aia = sub { ("ocsp_uri = \"" . url_of($_[0]) . "\"") };
    cert($dir, 'ca', undef, ca_lines('OCSP Test CA', '0x01'));
    cert($dir, 'rsp', 'ca', 'cn = "OCSP Test Responder"', 'serial = 0x02',
         'signing_key', 'key_purpose_oid = 1.3.6.1.5.5.7.3.9');
    cert($dir, 'other-ca', undef, ca_lines('Other CA', '0x01'));
    cert($dir, 'other-rsp', 'other-ca', 'cn = "Other Responder"',
         'serial = 0x02', 'signing_key',
         'key_purpose_oid = 1.3.6.1.5.5.7.3.9');
    cert($dir, 'sub-ca', 'ca', ca_lines('OCSP Test Sub CA', '0x3001'),
         $aia->($o{port}));
    my @server = ('cn = "localhost"', 'dns_name = "localhost"',
                  'ip_address = "127.0.0.1"', 'signing_key',
                  'key_purpose_oid = 1.3.6.1.5.5.7.3.1');
    my %servers = (www => ['0x1001', $o{port}], revoked => ['0x1002', $o{port}],
                   nourl => ['0x1003', undef],
                   elsewhere => ['0x1004', $o{dead_port}]);
    for my $n (sort keys %servers) {
        my($serial, $p) = @{ $servers{$n} };
        cert($dir, $n, 'ca', @server, "serial = $serial",
             defined $p ? $aia->($p) : ());
        write_file("$dir/$n.chain.crt", read_file("$dir/$n.crt")
                                        . read_file("$dir/ca.crt"));
    }
    my @client = ('signing_key', 'key_purpose_oid = 1.3.6.1.5.5.7.3.2');
    my %clients = (alice => '0x2001', mallory => '0x2002', carol => '0x2003',
                   noaia => '0x2004');
    for my $n (sort keys %clients) {
        cert($dir, $n, 'ca', "cn = \"$n\"", "serial = $clients{$n}", @client,
             $n eq 'noaia' ? () : $aia->($o{port}));
    }
    cert($dir, 'deep', 'sub-ca', 'cn = "deep"', 'serial = 0x2005', @client,
         $aia->($o{sub_port} // $o{port}));
    write_file("$dir/deep.chain.crt", read_file("$dir/deep.crt")
                                      . read_file("$dir/sub-ca.crt"));
    write_index("$dir/index.txt",
                [www => '1001'], [nourl => '1003'], [elsewhere => '1004'],
                [alice => '2001'], [noaia => '2004'],
                [revoked => '1002', 'R'], [mallory => '2002', 'R'],
                ['sub-ca' => '3001', 'R']);
    write_index("$dir/sub-index.txt", [deep => '2005']);
    return $dir;
}

# OpenSSL's index.txt: V (valid) or R (revoked) lines.
sub write_index {
    my($file, @entries) = @_;
    my $text = '';
    for my $e (@entries) {
        my($cn, $serial, $flag) = @$e;
        my $rev = ($flag // 'V') eq 'R' ? '250301000000Z,keyCompromise' : '';
        $text .= join("\t", $flag // 'V', '351231235959Z', $rev, $serial,
                      'unknown', "/CN=$cn") . "\n";
    }
    write_file($file, $text);
}

# ---------------------------------------------------------------------------
# Responders

my @procs;

sub spawn {
    my($log, @argv) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $log;
        open STDERR, '>&', \*STDOUT;
        { exec @argv }
        POSIX::_exit(127);
    }
    push @procs, $pid;
    return $pid;
}

# start_responder(DIR, port => P, ca => 'ca', index => 'index.txt',
#                 signer => 'rsp', args => [...]): `openssl ocsp` on P for
# the certificates of CA, signing with SIGNER.  Returns { pid, port, log }
# with {up} when it accepts connections.
sub start_responder {
    my($dir, %o) = @_;
    my $ca = $o{ca} // 'ca';
    my $signer = $o{signer} // 'rsp';
    my $log = "$dir/responder-$o{port}.log";
    my $pid = spawn($log, 'openssl', 'ocsp', '-port', $o{port},
                    '-index', "$dir/" . ($o{index} // 'index.txt'),
                    '-CA', "$dir/$ca.crt", '-rsigner', "$dir/$signer.crt",
                    '-rkey', "$dir/$signer.key", '-ignore_err',
                    @{ $o{args} // ['-ndays', 1] });
    my $h = { pid => $pid, port => $o{port}, log => $log };
    # Not by connecting: `openssl ocsp` (3.0) stops answering for good
    # after a connection that closes without a request.
    $h->{up} = wait_until(15, sub {
        (read_file($log) // '') =~ /waiting for OCSP client connections/;
    }) ? 1 : 0;
    return $h;
}

sub stop_responder {
    my $h = shift;
    return if !$h || $h->{stopped}++;
    kill 'TERM', $h->{pid};
    my $deadline = time + 10;
    sleep 0.05 while waitpid($h->{pid}, WNOHANG) == 0 && time < $deadline;
    if (kill 0, $h->{pid}) { kill 'KILL', $h->{pid}; waitpid($h->{pid}, 0) }
    @procs = grep { $_ != $h->{pid} } @procs;
}

# How many requests a responder has received.
sub responder_requests {
    my $h = shift;
    my @n = (read_file($h->{log}) // '') =~ /Received request|^POST /mg;
    return scalar @n;
}

# canned_response(DIR, CERT, ISSUER, FILE, ca => 'ca', signer => 'rsp',
#                 index => ..., args => [...]): a DER response about CERT
# made offline (no nonce), in FILE.
sub canned_response {
    my($dir, $cert, $issuer, $file, %o) = @_;
    my $req = "$file.req";
    my $r = run_cmd(['openssl', 'ocsp', '-issuer', "$dir/$issuer.crt",
                     '-cert', "$dir/$cert.crt", '-no_nonce', '-reqout', $req],
                    timeout => 30);
    die "openssl ocsp -reqout: $r->{err}" if $r->{rc};
    my $signer = $o{signer} // 'rsp';
    $r = run_cmd(['openssl', 'ocsp', '-index',
                  "$dir/" . ($o{index} // 'index.txt'),
                  '-CA', "$dir/" . ($o{ca} // 'ca') . '.crt',
                  '-rsigner', "$dir/$signer.crt", '-rkey', "$dir/$signer.key",
                  '-reqin', $req, '-respout', $file,
                  @{ $o{args} // ['-ndays', 1] }], timeout => 30);
    die "openssl ocsp -respout: $r->{err}" if $r->{rc} || !-s $file;
    return $file;
}

# canned_server(PORT, FILE): an HTTP server that answers every POST with
# the bytes of FILE (read at each request) and appends each request line
# to FILE.requests.  Returns { pid, port, up, requests => FILE.requests }.
sub canned_server {
    my($port, $file) = @_;
    my $reqlog = "$file.requests";
    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                       LocalPort => $port, Listen => 16,
                                       ReuseAddr => 1)
        or die "listen on $port: $!";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        POSIX::setsid();
        serve_canned($listen, $file, $reqlog);
        POSIX::_exit(0);
    }
    close $listen;
    push @procs, $pid;
    return { pid => $pid, port => $port, requests => $reqlog,
             up => wait_for_port($port, 10, $pid) };
}

sub serve_canned {
    my($listen, $file, $reqlog) = @_;
    local $SIG{ALRM} = sub { die "timeout\n" };
    while (my $c = $listen->accept) {
        eval {
            alarm 10;
            my($line, $len) = (scalar <$c>, 0);
            while (my $h = <$c>) {
                last if $h =~ /^\r?\n$/;
                $len = $1 if $h =~ /^Content-Length:\s*(\d+)/i;
            }
            read($c, my $body, $len) if $len;
            write_file($reqlog, (read_file($reqlog) // '') . ($line // ''));
            my $resp = read_file($file) // '';
            print $c "HTTP/1.0 200 OK\r\nContent-Type: application/"
                   . "ocsp-response\r\nContent-Length: " . length($resp)
                   . "\r\nConnection: close\r\n\r\n$resp";
            alarm 0;
        };
        close $c;
    }
}

# A listening socket that never accepts: connections succeed, requests
# are never answered.  Keep the returned socket as long as it should be.
sub blackhole {
    my $port = shift;
    my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                     LocalPort => $port, Listen => 64,
                                     ReuseAddr => 1)
        or die "listen on $port: $!";
    return $sock;
}

END {
    local $?;
    for my $pid (@procs) {
        kill 'TERM', $pid;
        waitpid($pid, 0);
    }
}

# ---------------------------------------------------------------------------
# What a client is stapled

# ocsp_status(port => P, args => [...], tls => '1.2'|'1.3'): one
# `openssl s_client -status` handshake.  Returns s_client()'s result plus
# {stapled} (0/1), {response_status} ('successful', 'trylater', ...),
# {cert_status} ('good', 'revoked', ...), {this_update}, {secs}.
sub ocsp_status {
    my %o = @_;
    my @tls = $o{tls} ? ('-tls' . ($o{tls} =~ tr/./_/r)) : ();
    my $t0 = time;
    my $r = s_client(port => $o{port}, sni => $o{sni} // 'localhost',
                     args => ['-status', '-CAfile', $o{cafile}, @tls,
                              @{ $o{args} // [] }],
                     request => "GET / HTTP/1.0\r\n\r\n",
                     timeout => $o{timeout} // 20);
    $r->{secs} = time - $t0;
    my $out = $r->{out};
    $r->{stapled} = $out =~ /^OCSP response:\s*\n=+/m ? 1 : 0;
    $r->{response_status} = $1 if $out =~ /OCSP Response Status: (\w+)/;
    $r->{cert_status} = $1 if $out =~ /Cert Status: (\w+)/;
    $r->{this_update} = $1 if $out =~ /This Update: (.+)$/m;
    return $r;
}

# wait_until(SECS, CODE): calls CODE every half second until it returns
# something true (returned) or the time is up (undef).
sub wait_until {
    my($secs, $code) = @_;
    my $deadline = time + $secs;
    while (1) {
        my $v = $code->();
        return $v if $v;
        return undef if time > $deadline;
        sleep 0.5;
    }
}

1;
