package SSLXTest;

# Shared helpers for the mod_sslx test suite.
#
# Every external client (curl, gnutls-cli, openssl, a second httpd) runs
# through run_cmd(), which enforces a timeout and kills what it started, so
# a hung handshake fails one test instead of stalling the suite.  Socket
# clients (IO::Socket::SSL, IO::Socket::INET) read with alarm()-bounded
# helpers for the same reason.

use strict;
use warnings;

use Apache::Test ();
use Apache::TestConfig ();
use Cwd qw(abs_path);
use Errno qw(EINTR EAGAIN);
use Fcntl qw(SEEK_SET);
use File::Path qw(make_path remove_tree);
use File::Spec::Functions qw(catfile catdir);
use File::Temp qw(tempdir);
use IO::Select ();
use IO::Socket::INET ();
use IO::Socket::SSL ();
use IPC::Open3 qw(open3);
use POSIX qw(WNOHANG);
use Symbol qw(gensym);
use Time::HiRes qw(time sleep);

use Exporter 'import';
our @EXPORT = qw(
    port vhost_port pki t_dir t_logs have_cmd have_modssl
    run_cmd curl_https parse_env
    gnutls_cli s_client
    tls_connect tls_request tcp_connect read_all read_for read_some
    parse_http_response
    cert_pem cert_field file_pem peer_cert_pem
    error_log_path log_offset log_since wait_for_log
    expect_sslx_warnings sslx_log_problems
    httpd_bin inherit_modules standalone_dir write_file read_file
    httpd_configtest start_httpd stop_httpd free_port wait_for_port
);

use constant DEFAULT_TIMEOUT => 30;

# ---------------------------------------------------------------------------
# Configuration lookups

sub config { Apache::Test::config() }

sub t_dir  { config()->{vars}->{t_dir} }
sub t_logs { config()->{vars}->{t_logs} }

# The port Apache::Test gave to <VirtualHost NAME> (or host:NAME).
sub vhost_port {
    my $name = shift;
    my $vh = config()->{vhosts}->{$name}
        or die "no vhost '$name' in the test configuration\n";
    return $vh->{port};
}
*port = \&vhost_port;

sub pki { catfile(config()->{vars}->{sslx_pki}, @_) }

sub httpd_bin { config()->{vars}->{httpd} }

# Debian's mod_ssl is loaded next to mod_sslx when it is installed.
sub have_modssl {
    return -f catfile(config()->{vars}->{sslx_modulesdir}, 'mod_ssl.so');
}

sub have_cmd {
    my $cmd = shift;
    for my $dir (split /:/, $ENV{PATH} || '/usr/bin:/bin') {
        return 1 if -x catfile($dir, $cmd);
    }
    return 0;
}

my $tmpdir;
sub tmp_dir {
    $tmpdir ||= tempdir('sslx-XXXXXX', DIR => t_logs(), CLEANUP => 1);
    return $tmpdir;
}

sub write_file {
    my($file, $content, $mode) = @_;
    open my $fh, '>:raw', $file or die "write $file: $!";
    print $fh $content;
    close $fh or die "close $file: $!";
    chmod $mode, $file if defined $mode;
    return $file;
}

sub read_file {
    my $file = shift;
    open my $fh, '<:raw', $file or return undef;
    local $/;
    my $c = <$fh>;
    close $fh;
    return $c;
}

# ---------------------------------------------------------------------------
# Running programs

# run_cmd(\@argv, stdin => STR, timeout => SECS, keep_stdin_open => BOOL,
#         env => {VAR => VAL})
# Returns { rc, out, err, timed_out, signal }.  With keep_stdin_open the
# child's stdin stays open until it exits (gnutls-cli stops reading the
# server's answer once its stdin ends).
sub run_cmd {
    my($argv, %o) = @_;
    my $timeout = $o{timeout} || DEFAULT_TIMEOUT;
    my $stdin = defined $o{stdin} ? $o{stdin} : '';

    local %ENV = (%ENV, %{ $o{env} || {} });
    local $SIG{PIPE} = 'IGNORE';

    my($in, $out, $err) = (gensym, gensym, gensym);
    my $pid = open3($in, $out, $err, @$argv);
    binmode $_ for $in, $out, $err;

    my %buf = (out => '', err => '');
    my %fh = (out => $out, err => $err);
    my $sel = IO::Select->new($out, $err);
    my $wsel = length $stdin ? IO::Select->new($in) : undef;
    if (!$wsel && !$o{keep_stdin_open}) {
        close $in;
        $in = undef;
    }

    my $deadline = time + $timeout;
    my $timed_out = 0;
    my $exited;
    while ($sel->count) {
        my $left = $deadline - time;
        if ($left <= 0) { $timed_out = 1; last }
        my($r, $w) = IO::Select::select($sel, $wsel, undef,
                                        $left < 0.5 ? $left : 0.5);
        for my $h (@{ $w || [] }) {
            my $n = syswrite $in, $stdin, 16384;
            if (!defined $n) {
                next if $! == EAGAIN || $! == EINTR;
                $stdin = '';
            }
            else {
                substr($stdin, 0, $n, '');
            }
            if (!length $stdin) {
                $wsel = undef;
                unless ($o{keep_stdin_open}) { close $in; $in = undef }
            }
        }
        for my $h (@{ $r || [] }) {
            my $which = $h == $out ? 'out' : 'err';
            my $n = sysread $h, my $chunk, 65536;
            next if !defined $n && ($! == EAGAIN || $! == EINTR);
            if (!$n) { $sel->remove($h); next }
            $buf{$which} .= $chunk;
        }
        # With stdin held open, the child exiting is what ends the loop.
        if ($o{keep_stdin_open} && !defined $exited) {
            my $k = waitpid($pid, WNOHANG);
            $exited = $? if $k == $pid;
        }
    }
    close $in if $in;

    my $status;
    if ($timed_out) {
        kill 'TERM', $pid;
        my $until = time + 3;
        while (time < $until) {
            last if waitpid($pid, WNOHANG) == $pid;
            sleep 0.05;
        }
        if (kill 0, $pid) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
        }
        $status = $?;
    }
    elsif (defined $exited) {
        $status = $exited;
    }
    else {
        waitpid($pid, 0);
        $status = $?;
    }

    my $res = {
        rc        => $status >> 8,
        signal    => $status & 127,
        out       => $buf{out},
        err       => $buf{err},
        timed_out => $timed_out,
        cmd       => join(' ', @$argv),
    };
    return $res;
}

# ---------------------------------------------------------------------------
# curl

# curl_https(port => P, host => NAME, path => '/x', sni => 1,
#            headers => [...], args => [...], insecure => 0, http => '1.1')
# Connects to 127.0.0.1:P.  With a host name the URL uses it (so curl sends
# it as SNI and Host) and --resolve points it at 127.0.0.1; host '127.0.0.1'
# means no SNI.  Returns { rc, code, status_line, headers => {lc => val},
# header_list => [[name, val], ...], body, err, env (parsed when the body
# is an env dump) }.
sub curl_https {
    my %o = @_;
    my $port = $o{port} or die "curl_https: port required";
    my $host = $o{host} || 'localhost';
    my $path = defined $o{path} ? $o{path} : '/';
    my $dir = tmp_dir();
    my $hfile = catfile($dir, "curl-h-$$-" . int(rand(1e9)));
    my $bfile = catfile($dir, "curl-b-$$-" . int(rand(1e9)));

    my @cmd = ('curl', '-sS', '--max-time', $o{timeout} || 20,
               '--connect-timeout', 5, '-D', $hfile, '-o', $bfile,
               '-w', '%{http_code}');
    my $http = $o{http} || '1.1';
    push @cmd, $http eq '2' ? '--http2' : "--http$http";
    if ($o{insecure}) {
        push @cmd, '-k';
    }
    else {
        push @cmd, '--cacert', $o{cacert} || pki('ca.crt');
    }
    if ($host ne '127.0.0.1') {
        push @cmd, '--resolve', "$host:$port:127.0.0.1";
    }
    push @cmd, map { ('-H', $_) } @{ $o{headers} || [] };
    push @cmd, @{ $o{args} || [] };
    push @cmd, "https://$host:$port$path";

    my $r = run_cmd(\@cmd, timeout => ($o{timeout} || 20) + 10);
    my $res = {
        rc   => $r->{rc},
        err  => $r->{err},
        code => ($r->{out} =~ /(\d{3})\s*$/ ? $1 : '000'),
        body => read_file($bfile),
        cmd  => $r->{cmd},
    };
    my $head = read_file($hfile);
    unlink $hfile, $bfile;
    _parse_headers($res, $head);
    $res->{env} = parse_env($res->{body})
        if defined $res->{body} && $res->{body} =~ /^\w+=/m
           && $path =~ /env\.cgi/;
    return $res;
}

sub _parse_headers {
    my($res, $head) = @_;
    $res->{headers} = {};
    $res->{header_list} = [];
    return unless defined $head;
    # With several responses (redirects, 100-continue) keep the last.
    my @blocks = grep { /\S/ } split /\r?\n\r?\n/, $head;
    my $last = $blocks[-1];
    return unless defined $last;
    my @lines = split /\r?\n/, $last;
    $res->{status_line} = shift @lines;
    for my $l (@lines) {
        next unless $l =~ /^([^:\s]+):\s*(.*)$/;
        push @{ $res->{header_list} }, [$1, $2];
        $res->{headers}->{lc $1} = $2;
    }
}

# Body of /…/env.cgi -> { VAR => value }
sub parse_env {
    my $body = shift;
    my %env;
    return \%env unless defined $body;
    for my $line (split /\n/, $body) {
        next unless $line =~ /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
        my($k, $v) = ($1, $2);
        $v =~ s/\\(.)/$1 eq 'n' ? "\n" : $1 eq 'r' ? "\r" : $1/ge;
        $env{$k} = $v;
    }
    return \%env;
}

# Split a raw HTTP/1.x response.
sub parse_http_response {
    my $raw = shift;
    my $res = { raw => $raw, code => undef, headers => {}, body => '' };
    return $res unless defined $raw && length $raw;
    my($head, $body) = split /\r?\n\r?\n/, $raw, 2;
    $res->{body} = defined $body ? $body : '';
    my @lines = split /\r?\n/, $head;
    $res->{status_line} = shift @lines;
    $res->{code} = $1 if $res->{status_line} =~ m{^HTTP/\d\.\d (\d{3})};
    for my $l (@lines) {
        $res->{headers}->{lc $1} = $2 if $l =~ /^([^:\s]+):\s*(.*)$/;
    }
    return $res;
}

# ---------------------------------------------------------------------------
# gnutls-cli and openssl s_client

# gnutls_cli(port => P, sni => NAME, priority => STR, request => STR,
#            insecure => 0, args => [...])
# Returns run_cmd's result plus { version, cipher, response => parsed HTTP,
# closed_cleanly }.
sub gnutls_cli {
    my %o = @_;
    my @cmd = ('gnutls-cli', '-p', $o{port});
    if (defined $o{sni}) {
        push @cmd, '--sni-hostname', $o{sni};
    }
    if ($o{insecure}) {
        push @cmd, '--insecure';
    }
    else {
        push @cmd, '--x509cafile', pki('ca.crt'),
                   '--verify-hostname', $o{verify_name} || $o{sni} || 'localhost';
    }
    push @cmd, '--priority', $o{priority} if $o{priority};
    push @cmd, @{ $o{args} || [] };
    push @cmd, '127.0.0.1';

    my $req = defined $o{request} ? $o{request} : '';
    my $r = run_cmd(\@cmd, stdin => $req, keep_stdin_open => 1,
                    timeout => $o{timeout} || 20);
    my $all = $r->{out} . $r->{err};
    # "- Description: (TLS1.3-X.509)-(ECDHE-SECP256R1)-(RSA-PSS-...)-(AES-256-GCM)"
    if ($all =~ /^- Description: \((TLS[\d.]+)-[^)]*\)(.*)$/m) {
        $r->{version} = $1;
        my @parts = $2 =~ /\(([^)]*)\)/g;
        $r->{cipher} = $parts[-1];
    }
    $r->{cert_info} = $1 if $all =~ /^\s*- subject `(.*)$/m;
    $r->{handshake_ok} = $all =~ /Handshake was completed/ ? 1 : 0;
    $r->{closed_cleanly} =
        $all =~ /Peer has closed the GnuTLS connection/ ? 1 : 0;
    if ($r->{out} =~ m{(HTTP/1\.\d \d{3}.*)\z}s) {
        my $http = $1;
        $http =~ s/\n- Peer has closed the GnuTLS connection\s*\z//s;
        $r->{response} = parse_http_response($http);
    }
    return $r;
}

# s_client(port => P, sni => NAME|undef, args => [...], request => STR)
# Without sni, -noservername is passed.  Returns run_cmd's result plus
# { protocol, cipher, peer_pem, peer_key_bits, peer_key_type,
#   response => parsed HTTP, verify_ok }.
sub s_client {
    my %o = @_;
    my @cmd = ('openssl', 's_client', '-connect', "127.0.0.1:$o{port}",
               '-CAfile', pki('ca.crt'), '-ign_eof');
    if (defined $o{sni}) {
        push @cmd, '-servername', $o{sni};
    }
    else {
        push @cmd, '-noservername';
    }
    push @cmd, @{ $o{args} || [] };
    my $req = defined $o{request} ? $o{request} : '';
    my $r = run_cmd(\@cmd, stdin => $req, timeout => $o{timeout} || 20);
    my $out = $r->{out};
    $r->{protocol} = $1 if $out =~ /^\s*Protocol\s*:\s*(\S+)/m;
    $r->{cipher}   = $1 if $out =~ /^\s*Cipher\s*:\s*(\S+)/m;
    $r->{cipher}   = $1 if !$r->{cipher} && $out =~ /Cipher is (\S+)/;
    $r->{peer_pem} = $1
        if $out =~ /(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n)/s;
    $r->{peer_key_bits} = $1 if $out =~ /Server public key is (\d+) bit/;
    $r->{verify_ok} = $out =~ /Verify return code: 0 \(ok\)/ ? 1 : 0;
    $r->{handshake_ok} = $out =~ /^New, /m ? 1 : 0;
    if ($out =~ m{^(HTTP/1\.\d \d{3}.*?)(?:^closed\s*)?\z}ms) {
        $r->{response} = parse_http_response($1);
    }
    if ($r->{peer_pem}) {
        my $t = run_cmd([qw(openssl x509 -noout -text)], stdin => $r->{peer_pem},
                        timeout => 10);
        $r->{peer_key_type} = $1
            if $t->{out} =~ /Public Key Algorithm:\s*(\S+)/;
    }
    return $r;
}

# ---------------------------------------------------------------------------
# Socket clients

# tls_connect(port => P, sni => NAME|undef, %IO::Socket::SSL args)
# Verifies against the test CA unless SSL_verify_mode is given.  Returns
# the socket, or undef with $@ = the reason.
sub tls_connect {
    my %o = @_;
    my $port = delete $o{port};
    my $sni = exists $o{sni} ? delete $o{sni} : 'localhost';
    my %args = (
        PeerAddr        => '127.0.0.1',
        PeerPort        => $port,
        Timeout         => 10,
        SSL_hostname    => defined $sni ? $sni : '',
        SSL_verify_mode => IO::Socket::SSL::SSL_VERIFY_PEER(),
        SSL_ca_file     => pki('ca.crt'),
        SSL_verifycn_scheme => 'none',
        %o,
    );
    my $sock = IO::Socket::SSL->new(%args);
    $@ = $IO::Socket::SSL::SSL_ERROR || $! unless $sock;
    return $sock;
}

sub tcp_connect {
    my $port = shift;
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                 Proto => 'tcp', Timeout => 10);
}

# read_all($sock, $timeout) -> ($data, $eof): reads until the peer closes or
# the time is up.  $eof is true when the peer closed (or reset) the
# connection.
sub read_all {
    my($sock, $timeout) = @_;
    $timeout ||= 10;
    my $data = '';
    my $eof = 0;
    my $deadline = time + $timeout;
    while (1) {
        my $left = $deadline - time;
        last if $left <= 0;
        my $pending = $sock->can('pending') ? $sock->pending : 0;
        unless ($pending) {
            my $sel = IO::Select->new($sock);
            next unless $sel->can_read($left < 1 ? $left : 1);
        }
        my $n = sysread $sock, my $buf, 65536;
        if (!defined $n) {
            if ($sock->isa('IO::Socket::SSL')) {
                # SSL_WANT_READ: not a full record yet.
                next if $IO::Socket::SSL::SSL_ERROR
                    && $IO::Socket::SSL::SSL_ERROR =~ /want read/i;
            }
            next if $! == EAGAIN || $! == EINTR;
            $eof = 1;    # reset or TLS error: the connection is gone
            last;
        }
        if ($n == 0) { $eof = 1; last }
        $data .= $buf;
    }
    return ($data, $eof);
}

# read_for($sock, $secs): whatever arrives within $secs, without waiting
# for the end.
sub read_for {
    my($sock, $secs) = @_;
    my $data = '';
    my $deadline = time + $secs;
    while ((my $left = $deadline - time) > 0) {
        last unless IO::Select->new($sock)->can_read($left);
        my $n = sysread $sock, my $buf, 65536;
        last unless $n;
        $data .= $buf;
    }
    return $data;
}

# read_some($sock, $secs): waits up to $secs for data and returns the
# first chunk that arrives ('' on timeout or close).
sub read_some {
    my($sock, $secs) = @_;
    return '' unless IO::Select->new($sock)->can_read($secs);
    my $n = sysread $sock, my $buf, 65536;
    return $n ? $buf : '';
}

# tls_request(port => P, sni => NAME, request => RAW, %tls_connect args)
# One request on a fresh TLS connection; returns the parsed response plus
# { eof, sock_error }.
sub tls_request {
    my %o = @_;
    my $req = delete $o{request};
    my $sock = tls_connect(%o) or return { error => "connect: $@" };
    print {$sock} $req;
    my($data, $eof) = read_all($sock, 15);
    my $res = parse_http_response($data);
    $res->{eof} = $eof;
    close $sock;
    return $res;
}

# ---------------------------------------------------------------------------
# Certificates

sub file_pem {
    my $file = shift;
    my $c = read_file($file);
    die "cannot read $file\n" unless defined $c;
    return $1 if $c =~ /(-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?)/s;
    die "no certificate in $file\n";
}
*cert_pem = \&file_pem;

# cert_field($file, $what): subject/issuer, serial, startdate, enddate as
# `openssl x509` prints them.  DNs come in mod_ssl's form: OpenSSL's
# XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB, i.e. RFC 2253 escaping with
# UTF-8 left as it is.
sub cert_field {
    my($file, $what) = @_;
    my $r = run_cmd(['openssl', 'x509', '-in', $file, '-noout', "-$what",
                     '-nameopt', 'RFC2253,-esc_msb'], timeout => 10);
    die "openssl x509 -$what $file failed: $r->{err}" if $r->{rc};
    my $v = $r->{out};
    $v =~ s/^\w+=//;
    $v =~ s/\s+\z//;
    return $v;
}

# PEM of the certificate a TLS socket's peer presented.
sub peer_cert_pem {
    my $sock = shift;
    my $x509 = Net::SSLeay::get_peer_certificate($sock->_get_ssl_object)
        or return undef;
    return Net::SSLeay::PEM_get_string_X509($x509);
}

# ---------------------------------------------------------------------------
# The error log

sub error_log_path { catfile(t_logs(), 'error_log') }

sub log_offset { -s error_log_path() || 0 }

sub log_since {
    my $off = shift || 0;
    open my $fh, '<', error_log_path() or return '';
    seek $fh, $off, SEEK_SET;
    local $/;
    my $c = <$fh>;
    return defined $c ? $c : '';
}

# wait_for_log($offset, qr/.../, $secs): polls the error log for a line
# matching the pattern written after $offset; returns it or undef.
sub wait_for_log {
    my($off, $re, $secs) = @_;
    my $deadline = time + ($secs || 10);
    while (1) {
        for my $line (split /\n/, log_since($off)) {
            return $line if $line =~ $re;
        }
        return undef if time > $deadline;
        sleep 0.1;
    }
}

my $problem_re = qr/\[sslx:(?:emerg|alert|crit|error|warn)\]/;

# The mod_sslx lines at warn level or worse in $text.
sub sslx_log_problems {
    my $text = shift;
    return grep { $_ =~ $problem_re } split /\n/, $text;
}

sub expected_tags_file { catfile(t_logs(), 'sslx-expected-tags') }

# A test that provokes mod_sslx warnings on purpose calls this with the
# log offset from before and a pattern the lines must match; their log tags
# (SSLXnnnnn) are recorded so that t/sslx/zz_error_log.t accepts them.
# Returns the matching lines.
sub expect_sslx_warnings {
    my($off, $re, $why) = @_;
    my @lines = grep { $_ =~ $re } sslx_log_problems(log_since($off));
    open my $fh, '>>', expected_tags_file() or die "append: $!";
    for my $l (@lines) {
        my($tag) = $l =~ /\b(SSLX\d+): /;
        print $fh ($tag || 'untagged'), "\t$why\n";
    }
    close $fh;
    return @lines;
}

# ---------------------------------------------------------------------------
# Stand-alone httpd instances (config checks, mod_ssl-style configs)

# The LoadModule lines the suite's own server uses (t/conf/inherit.conf).
sub inherit_modules {
    my $c = read_file(catfile(t_dir(), 'conf', 'inherit.conf'));
    return join "\n", grep { /^LoadModule / } split /\n/, $c;
}

# A fresh server root t/standalone/NAME with logs/ and htdocs/.
sub standalone_dir {
    my $name = shift;
    my $dir = catdir(t_dir(), 'standalone', $name);
    remove_tree($dir);
    make_path(catdir($dir, 'logs'), catdir($dir, 'conf'));
    return $dir;
}

sub httpd_configtest {
    my $conf = shift;
    return run_cmd([httpd_bin(), '-t', '-f', $conf], timeout => 30);
}

sub free_port {
    my $port = config()->server->select_next_port
        or die "no free port found\n";
    return $port;
}

sub wait_for_port {
    my($port, $secs, $pid) = @_;
    my $deadline = time + ($secs || 20);
    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port, Timeout => 1);
        if ($s) { close $s; return 1 }
        return 0 if $pid && waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    return 0;
}

# start_httpd($conf, port => P, args => [...]): runs httpd -DFOREGROUND
# (with args, e.g. ['-d', ROOT]) -f $conf.
# Returns { pid, up, exited, rc, stderr_file }: up when the port accepts
# connections, exited/rc when httpd stopped by itself (a failed start).
sub start_httpd {
    my($conf, %o) = @_;
    my $errfile = "$conf.stderr";
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        # Its own process group: the prefork MPM ends by signalling its
        # whole group, which must not include the test.
        POSIX::setsid();
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', $errfile;
        open STDERR, '>&', \*STDOUT;
        { exec httpd_bin(), '-DFOREGROUND', @{ $o{args} || [] }, '-f', $conf }
        POSIX::_exit(127);
    }
    my $h = { pid => $pid, stderr_file => $errfile };
    my $deadline = time + ($o{timeout} || 30);
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            $h->{exited} = 1;
            $h->{rc} = $? >> 8;
            last;
        }
        if ($o{port} && IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                               PeerPort => $o{port},
                                               Timeout => 1)) {
            if (wait_for_children($pid, $deadline) eq 'exited') {
                $h->{exited} = 1;
                $h->{rc} = $? >> 8;
            }
            else {
                $h->{up} = 1;
            }
            last;
        }
        sleep 0.1;
    }
    $h->{stderr} = read_file($errfile);
    return $h;
}

# The listening socket accepts (into its backlog) as soon as httpd's first
# configuration pass opened it, but httpd reads its configuration a second
# time before it forks the children that serve: a test that changes files
# right after "up" would race that second pass, and a start that fails in
# that pass would look like one that worked.  Children exist only after
# it, so they are what "ready" means.  Returns 'children', 'exited' ($?
# then holds httpd's status) or 'timeout'.
sub wait_for_children {
    my($pid, $deadline) = @_;
    while (time < $deadline) {
        return 'exited' if waitpid($pid, WNOHANG) == $pid;
        for my $stat (glob '/proc/[0-9]*/stat') {
            my $line = read_file($stat) // next;
            # pid (comm) state ppid ...; comm may hold spaces and parens
            return 'children'
                if $line =~ /.*\)\s+\S+\s+(\d+)\s/ && $1 == $pid;
        }
        sleep 0.1;
    }
    return 'timeout';
}

sub stop_httpd {
    my $h = shift;
    return if !$h || $h->{exited} || !$h->{pid};
    kill 'TERM', $h->{pid};
    my $deadline = time + 15;
    while (time < $deadline) {
        if (waitpid($h->{pid}, WNOHANG) == $h->{pid}) {
            $h->{exited} = 1;
            $h->{rc} = $? >> 8;
            return 1;
        }
        sleep 0.1;
    }
    kill 'KILL', $h->{pid};
    waitpid($h->{pid}, 0);
    $h->{exited} = 1;
    return 0;
}

# ---------------------------------------------------------------------------
# Client certificates (made by t/bin/gen-certs as pki/client-NAME.crt/.key)

push @EXPORT, qw(client_crt client_key client_cert_args received_alert
                 lwp_agent);

# The file a client presents for NAME: the chain (leaf first) when
# gen-certs made one, else the certificate alone.
sub client_crt {
    my $name = shift;
    my $chain = pki("client-$name.chain.crt");
    return -f $chain ? $chain : pki("client-$name.crt");
}

sub client_key { pki("client-$_[0].key") }

# client_cert_args($tool, $name): the options that make $tool present the
# client certificate NAME; none for undef or 'none'.  $tool is curl,
# gnutls-cli, s_client or perl (IO::Socket::SSL / LWP ssl_opts).
sub client_cert_args {
    my($tool, $name) = @_;
    return () if !defined $name || $name eq 'none';
    my($crt, $key) = (client_crt($name), client_key($name));
    return ('--cert', $crt, '--key', $key) if $tool eq 'curl';
    return ('--x509certfile', $crt, '--x509keyfile', $key)
        if $tool eq 'gnutls-cli';
    if ($tool eq 's_client') {
        # s_client sends only the first certificate of -cert.
        return ('-cert', pki("client-$name.crt"), '-key', $key,
                $crt ne pki("client-$name.crt") ? ('-cert_chain', $crt) : ());
    }
    return (SSL_cert_file => $crt, SSL_key_file => $key) if $tool eq 'perl';
    die "client_cert_args: unknown tool '$tool'\n";
}

# The TLS alert a client reports having received: gnutls-cli's
# "Received alert [N]" or OpenSSL's "SSL alert number N" (the last one
# when there are several); undef when it reports none.
sub received_alert {
    my $r = shift;
    my $all = ($r->{out} // '') . ($r->{err} // '');
    my @n = $all =~ /(?:Received alert \[|SSL alert number )(\d+)/g;
    return @n ? $n[-1] : undef;
}

# An LWP::UserAgent that trusts the test CA, verifies the host name and
# applies extra ssl_opts (SSL_version, client certificate, ...).
sub lwp_agent {
    my %ssl = @_;
    require LWP::UserAgent;
    return LWP::UserAgent->new(
        timeout  => 20,
        ssl_opts => { SSL_ca_file => pki('ca.crt'), verify_hostname => 1,
                      %ssl },
    );
}


# ---- comparing with mod_ssl ------------------------------------------------

# A value for a diagnostic line: one line, at most 120 characters.
sub show_value {
    my $v = shift;
    $v =~ s/\n/\\n/g;
    return length $v > 120 ? substr($v, 0, 117) . '...' : $v;
}

# The complaints about one variable both modules set: equal values, or,
# where $d says they are meant to differ, the form $d asks for
# (same_form: hex of one length; within_one: integers at most 1 apart;
# else the regexes sslx and modssl).
sub differs_from_modssl {
    my($k, $x, $m, $d) = @_;
    if (!$d) {
        return $x eq $m ? ()
            : ("$k: mod_sslx '" . show_value($x) . "' but mod_ssl '"
               . show_value($m) . "'");
    }
    if ($d->{same_form}) {
        return () if $x =~ /^[0-9a-f]*$/ && $m =~ /^[0-9a-f]*$/
                     && length $x == length $m;
        return ("$k: '$x' vs mod_ssl '$m' (not the same hex form)");
    }
    if ($d->{within_one}) {
        return () if $x =~ /^-?\d+$/ && $m =~ /^-?\d+$/ && abs($x - $m) <= 1;
        return ("$k: '$x' vs mod_ssl '$m'");
    }
    my @bad;
    push @bad, "$k: mod_sslx '$x' does not match $d->{sslx}"
        unless $x =~ $d->{sslx};
    push @bad, "$k: mod_ssl '$m' does not match $d->{modssl}"
        unless $m =~ $d->{modssl};
    return @bad;
}

# The base64 of the DER inside a PEM certificate: what SSL_*_B64CERT
# holds for the PEM in SSL_*_CERT.
sub b64_of_pem {
    my $pem = shift // '';
    $pem =~ s/-----(?:BEGIN|END) CERTIFICATE-----//g;
    $pem =~ s/\s+//g;
    return $pem;
}

# The complaints about two name => value maps, mod_sslx's and mod_ssl's:
# a name only one module sets, or a value that differs_from_modssl()
# rejects ($meant_to_differ: name => how, as meant_to_differ() gives).
# $only_sslx names the variables only mod_sslx has (name => the PEM
# variable whose base64 it must hold): mod_ssl must not set them.
sub compare_with_modssl {
    my($sslx, $modssl, $meant_to_differ, $only_sslx) = @_;
    my @bad;
    my %names = map { $_ => 1 } keys %$sslx, keys %$modssl;
    for my $k (sort keys %names) {
        my($x, $m) = ($sslx->{$k}, $modssl->{$k});
        if (my $pem_var = ($only_sslx || {})->{$k}) {
            push @bad, "$k: set by mod_ssl ('$m'), which has no such variable"
                if defined $m;
            push @bad, "$k: not the base64 DER of $pem_var"
                if defined $x && $x ne b64_of_pem($sslx->{$pem_var});
            next;
        }
        if (!defined $x) {
            push @bad, "$k: set by mod_ssl ('" . show_value($m) . "'), missing in mod_sslx";
            next;
        }
        if (!defined $m) {
            push @bad, "$k: set by mod_sslx ('" . show_value($x) . "'), not by mod_ssl";
            next;
        }
        push @bad, differs_from_modssl($k, $x, $m, ($meant_to_differ || {})->{$k});
    }
    return @bad;
}

# HTTPS and the SSL_* variables of a parsed CGI environment.
sub ssl_vars_of {
    my $env = shift || {};
    return { map { $_ => $env->{$_} } grep { /^(?:HTTPS|SSL_\w+)$/ } keys %$env };
}

# Lookups echoed as "X-L-<VAR>" response headers, by variable name.
sub header_lookups {
    my $h = shift || {};
    return { map { (my $n = $_) =~ s/^x-l-//; (uc($n) => $h->{$_}) }
             grep { /^x-l-/ } keys %$h };
}

push @EXPORT, qw(show_value differs_from_modssl b64_of_pem compare_with_modssl
                 ssl_vars_of header_lookups);


# Variables whose values are meant to differ between mod_sslx and mod_ssl,
# each with the reason and what both values must look like instead (see
# differs_from_modssl).  A test adds its own entries to the copy it gets.
sub meant_to_differ {
    my $days = { why        => 'days until expiry, computed at request '
                               . 'time: two requests may straddle midnight',
                 within_one => 1 };
    return (
        SSL_VERSION_INTERFACE => {
            why    => 'names the module: mod_sslx/x.y vs mod_ssl/x.y.z',
            sslx   => qr{^mod_sslx/\d+\.\d+},
            modssl => qr{^mod_ssl/\d+\.\d+},
        },
        SSL_VERSION_LIBRARY => {
            why    => 'names the TLS library: GnuTLS/x.y.z vs OpenSSL/x.y.z',
            sslx   => qr{^GnuTLS/\d+\.\d+\.\d+$},
            modssl => qr{^OpenSSL/\d},
        },
        SSL_SESSION_ID => {
            why       => 'random per connection; same form (lower-case '
                         . 'hex, same length)',
            same_form => 1,
        },
        SSL_SERVER_V_REMAIN => $days,
        SSL_CLIENT_V_REMAIN => $days,
    );
}

# The first lines of a stand-alone httpd.conf in $dir that loads the
# suite's modules and mod_sslx, names the server localhost and serves the
# suite's documents (CGI included).
sub standalone_conf_head {
    my($dir, $loglevel) = @_;
    my $module = Apache::Test::vars('sslx_module');
    my $mods = inherit_modules();
    my $docroot = Apache::Test::vars('documentroot');
    my $tconf = Apache::Test::vars('t_conf');
    return <<EOC;
ServerRoot "$dir"
$mods
LoadModule sslx_module "$module"
PidFile "$dir/logs/httpd.pid"
ErrorLog "$dir/logs/error_log"
DefaultRuntimeDir "$dir/logs"
LogLevel $loglevel
ServerName localhost
DocumentRoot "$docroot"
TypesConfig "$tconf/mime.types"
<IfModule cgid_module>
    ScriptSock "$dir/logs/cgisock"
</IfModule>
EOC
}

# Three small children, enough for a stand-alone server of a test.
sub small_mpm_conf {
    return <<EOC;
<IfModule mpm_prefork_module>
    StartServers 3
    MinSpareServers 3
</IfModule>
<IfModule !mpm_prefork_module>
    StartServers 3
    ThreadsPerChild 2
    MinSpareThreads 6
    MaxRequestWorkers 16
</IfModule>
EOC
}

push @EXPORT, qw(meant_to_differ standalone_conf_head);

# ---------------------------------------------------------------------------
# Session resumption across stand-alone TLS servers

push @EXPORT, qw(random_ticket_key access_log_entry start_tls_server
                 stop_tls_servers session_via);

# A session ticket key file: 64 random bytes.
sub random_ticket_key {
    my $path = shift;
    open my $rnd, '<:raw', '/dev/urandom' or die "urandom: $!";
    read($rnd, my $bytes, 64) == 64 or die 'short read from /dev/urandom';
    close $rnd;
    write_file($path, $bytes, 0600);
    return $path;
}

# The access log line of a tagged request, split on '|' (the format of
# start_tls_server: pid, SSL_SESSION_RESUMED, SSL_PROTOCOL, request,
# status); [] when it does not show up within 5 s.
sub access_log_entry {
    my($file, $tag) = @_;
    my $deadline = time + 5;
    while (time < $deadline) {
        for (split /\n/, read_file($file) // '') {
            return [split /\|/] if /\?\Q$tag\E /;
        }
        sleep 0.1;
    }
    return [];
}

my @tls_servers;

# start_tls_server(NAME, GLOBAL, VHOST): an httpd of its own in
# t/standalone/NAME with several small children and one TLS vhost
# (localhost, ECDSA) on a free port; GLOBAL and VHOST are more
# directives for the server and the vhost.  Returns start_httpd()'s
# result plus {port}, {dir}, {name}, {elog} and {alog}.
sub start_tls_server {
    my($name, $global, $vhost) = @_;
    my $dir = standalone_dir($name);
    my $port = free_port();
    my $conf = "$dir/conf/httpd.conf";
    my $pki = pki();
    write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, 'info sslx:debug') ]}
@{[ SSLXTest::small_mpm_conf() ]}
@{[ $global // '' ]}
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLXCertificateKeyFile "$pki/localhost.ecdsa.key"
    CustomLog "$dir/logs/access_log" "%P|%{SSL_SESSION_RESUMED}x|%{SSL_PROTOCOL}x|%r|%>s"
@{[ $vhost // '' ]}
</VirtualHost>
EOC
    my $h = start_httpd($conf, port => $port, timeout => 30);
    @$h{qw(port dir name)} = ($port, $dir, $name);
    $h->{elog} = "$dir/logs/error_log";
    $h->{alog} = "$dir/logs/access_log";
    push @tls_servers, $h;
    return $h;
}

sub stop_tls_servers { stop_httpd($_) for @tls_servers }
END { local $?; stop_tls_servers() }

# One s_client connection to stand-alone server $h that saves
# (-sess_out) or offers (-sess_in) the session in $file.  Adds {code},
# {resumed} (SSL_SESSION_RESUMED from the server's access log), {both}
# ("200 Resumed") and {secs} to s_client()'s result.
my $session_tag = 0;
sub session_via {
    my($h, $file, $inout, @args) = @_;
    my $tag = 's' . ++$session_tag;
    my $t0 = time;
    my $r = s_client(port => $h->{port}, sni => 'localhost',
                     request => "GET /ok.txt?$tag HTTP/1.0\r\nHost: localhost\r\n\r\n",
                     args => ['-quiet', @args, "-sess_$inout", $file]);
    $r->{secs} = time - $t0;
    $r->{code} = ($r->{response} || {})->{code} // '';
    $r->{resumed} = access_log_entry($h->{alog}, $tag)->[1] // '';
    $r->{both} = "$r->{code} $r->{resumed}";
    return $r;
}

# ---------------------------------------------------------------------------
# tlsprobe: a GnuTLS client for what stock clients do not do (t/bin/tlsprobe.c)

push @EXPORT, qw(tlsprobe);

# The tlsprobe binary, compiled on first use into this run's logs.
my $tlsprobe_bin;
sub tlsprobe_bin {
    return $tlsprobe_bin if $tlsprobe_bin;
    my $src = catfile(t_dir(), 'bin', 'tlsprobe.c');
    my $bin = catfile(t_logs(), 'tlsprobe');
    my $flags = qx{pkg-config --cflags --libs gnutls};
    die "pkg-config cannot find gnutls\n" if $? != 0;
    my $r = run_cmd(['sh', '-c', "cc -Wall -O1 -o '$bin' '$src' $flags"],
                    timeout => 120);
    die "building tlsprobe failed: $r->{err}\n" if $r->{rc} != 0;
    return $tlsprobe_bin = $bin;
}

# tlsprobe(port => P, sni => NAME, hrr_sni => NAME, reneg_sni => NAME,
#          host_header => NAME (default: sni), priority => STR, cert => NAME (client_crt/client_key), path =>
#          '/x', sess_in => FILE, sess_out => FILE, args => [...])
# Returns run_cmd's result plus {handshake} ('ok' or the GnuTLS error
# name), {hrr}, {resumed}, {protocol}, {alert} (number of the last alert
# received), {status} (of the last response, '' for none), {statuses}
# ([all]), {body}, {rehandshake}, {reauth}, {hellos} ([SNI of each
# ClientHello sent]).
sub tlsprobe {
    my %o = @_;
    my @cmd = (tlsprobe_bin(), '--port', $o{port});
    for my $k (qw(sni hrr_sni reneg_sni host_header priority path sess_in
                  sess_out requests)) {
        next unless defined $o{$k};
        (my $flag = $k) =~ tr/_/-/;
        push @cmd, "--$flag", $o{$k};
    }
    if (defined $o{cert}) {
        push @cmd, '--cert', client_crt($o{cert}), '--key', client_key($o{cert});
    }
    push @cmd, @{ $o{args} || [] };
    my $r = run_cmd(\@cmd, timeout => $o{timeout} || 30);
    my $out = $r->{out};
    $r->{handshake} = $out =~ /^handshake: (?:ok|failed (\S+))/m
                      ? ($1 // 'ok') : '';
    $r->{hrr} = $out =~ /^hrr: 1/m ? 1 : 0;
    $r->{resumed} = $out =~ /^resumed: 1/m ? 1 : 0;
    $r->{protocol} = $out =~ /^protocol: (\S+)/m ? $1 : '';
    my @alerts = $out =~ /^alert: (\d+)/mg;
    $r->{alert} = @alerts ? $alerts[-1] : undef;
    $r->{statuses} = [$out =~ /^status: (\d+)/mg];
    $r->{status} = @{ $r->{statuses} } ? $r->{statuses}->[-1] : '';
    $r->{body} = $out =~ /^body-begin\n(.*?)^body-end$/ms ? $1 : '';
    $r->{rehandshake} = $out =~ /^rehandshake: (?:ok|failed (\S+))/m
                        ? ($1 // 'ok') : '';
    $r->{reauth} = $out =~ /^reauth: (?:ok|failed (\S+))/m
                   ? ($1 // 'ok') : '';
    $r->{hellos} = [$out =~ /^client_hello: sni=(\S*)/mg];
    return $r;
}

1;
