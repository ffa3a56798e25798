# Graceful restarts under load: h2load keeps a stand-alone mod_sslx
# server busy (HTTP/2 and HTTP/1.1) while it is restarted gracefully three
# times, with a new certificate before each restart; no request may fail,
# and each restart serves the certificate then on disk.  Then a
# graceful-stop lets a download in progress finish.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Copy qw(copy);
use SSLXTest;
use SSLXRawTLS;
use Time::HiRes qw(time sleep);

plan tests => 17,
    need { 'h2load and openssl are needed' => have_cmd('h2load') && have_cmd('openssl') };

my $dir = standalone_dir('graceful');
my $port = free_port();
my $docroot = "$dir/htdocs";
mkdir $docroot;
write_file("$docroot/ok.txt", "ok\n");
write_file("$docroot/big.bin", 'b' x (8 * 1024 * 1024));
my $tconf = Apache::Test::vars('t_conf');

# The served certificate is a copy the test replaces between restarts:
# the suite's ECDSA and RSA certificates for localhost, in turn.
my @certs = (['localhost.ecdsa.crt', 'localhost.ecdsa.key'],
             ['localhost.rsa.crt', 'localhost.rsa.key']);
sub install_cert {
    my $i = shift;
    my($crt, $key) = @{ $certs[$i % 2] };
    copy(pki($crt), "$dir/conf/server.crt") or die "copy: $!";
    copy(pki($key), "$dir/conf/server.key") or die "copy: $!";
    return pki($crt);
}
install_cert(0);

my $conf = "$dir/conf/httpd.conf";
write_file($conf, <<EOC);
@{[ SSLXTest::standalone_conf_head($dir, 'info sslx:debug') ]}
ServerName localhost
DocumentRoot "$docroot"
TypesConfig "$tconf/mime.types"
Protocols h2 http/1.1
<IfModule mpm_prefork_module>
    StartServers 4
    MinSpareServers 4
    MaxRequestWorkers 32
</IfModule>
<IfModule !mpm_prefork_module>
    StartServers 2
    ThreadsPerChild 8
    MinSpareThreads 8
    MaxRequestWorkers 32
</IfModule>
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$dir/conf/server.crt"
    SSLXCertificateKeyFile "$dir/conf/server.key"
    CustomLog "$dir/logs/access_log" "%P %>s %{SSL_PROTOCOL}x %H %r"
</VirtualHost>
EOC

my $h = start_httpd($conf, port => $port, timeout => 30);
ok($h->{up}, 'stand-alone server up') or diag($h->{stderr});

sub served_cert_pem {
    # A request with Connection: close ends the connection at once.
    my $r = s_client(port => $port, sni => 'localhost', args => ['-showcerts'],
                     request => "GET /cert-check HTTP/1.0\r\n\r\n", timeout => 15);
    return $r->{peer_pem} // '';
}

sub parent_pid {
    my $pid = read_file("$dir/logs/httpd.pid") // '';
    $pid =~ s/\s+//g;
    return $pid;
}

# h2load in the background; its summary is read at the end.
sub start_load {
    my($secs, @args) = @_;
    my $out = "$dir/logs/h2load-" . int(rand(1e9)) . '.out';
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        open STDOUT, '>', $out;
        open STDERR, '>&', \*STDOUT;
        { exec 'h2load', '-D', $secs, '-c', 8, @args,
               "https://localhost:$port/ok.txt" }
        POSIX::_exit(127);
    }
    return { pid => $pid, out => $out, secs => $secs };
}

sub finish_load {
    my $l = shift;
    my $deadline = time + $l->{secs} + 60;
    my($done, %r);
    while (time < $deadline) {
        last if $done = waitpid($l->{pid}, POSIX::WNOHANG()) == $l->{pid};
        sleep 0.2;
    }
    if (!$done) {
        # h2load waits without end for a connection that answers nothing
        # (its timeouts do not apply with -D): what the sockets look like
        # is kept for the diagnosis, and h2load is stopped.
        $r{hung} = run_cmd(['ss', '-tnoi', 'state', 'all', '(', 'sport', '=',
                            ":$port", 'or', 'dport', '=', ":$port", ')'],
                           timeout => 10)->{out};
        kill 'KILL', $l->{pid};
        waitpid($l->{pid}, 0);
    }
    my $s = read_file($l->{out}) // '';
    @r{qw(total started done succeeded failed errored timeout)} =
        $s =~ /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/;
    @r{qw(s2xx s3xx s4xx s5xx)} = $s =~ /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/;
    $r{raw} = $s;
    return \%r;
}

# ---- three graceful restarts under load, a new certificate each time --------
# HTTP/2: a graceful restart makes mod_http2 send GOAWAY, which refuses
# the streams it has not started (RFC 9113 6.8: never processed, so the
# client may retry them); h2load does not retry and counts them as
# failed.  Debian's mod_ssl in the same setup loses 28 of 9,826 requests
# that way.  So under HTTP/2 the test asks that no request the server
# took was lost: the access log holds exactly the requests h2load got
# answers to.
sub access_lines {
    my $log = read_file("$dir/logs/access_log") // '';
    return scalar(() = $log =~ /^.*ok\.txt.*$/mg);
}

# One load run with three graceful restarts: h2load's summary, which
# certificates were seen, and the access log's length before.
sub restarts_under_load {
    my $args = shift;
    my $logged0 = access_lines();
    my $load = start_load(14, @$args);
    my %seen;
    sleep 2;
    for my $i (1 .. 3) {
        my $want = install_cert($i);
        kill 'USR1', parent_pid();     # apachectl -k graceful
        sleep 3;
        my $pem = served_cert_pem();
        $seen{$i} = $pem eq file_pem($want) ? 1 : 0;
    }
    return (finish_load($load), \%seen, $logged0);
}

for my $proto (['HTTP/2', []], ['HTTP/1.1', ['--h1']]) {
    my($name, $args) = @$proto;
    my($r, $seen, $logged0) = restarts_under_load($args);
    if ($r->{hung}) {
        # Seen once in several CI runs under ASan and never reproduced:
        # h2load still waiting a minute after its end.  The sockets are
        # shown and the round is run once more; a second hang fails.
        diag("$name: h2load did not finish; the sockets then:\n$r->{hung}");
        ($r, $seen, $logged0) = restarts_under_load($args);
    }
    my %seen = %$seen;
    ok(!$r->{hung}, "$name: h2load finished") or diag($r->{hung});
    ok(($r->{succeeded} // 0) > 100,
       "$name: h2load got answers during 3 graceful restarts ("
       . ($r->{succeeded} // 0) . ' requests)')
        or diag($r->{raw});
    my $lost = ($r->{failed} // -1) + ($r->{errored} // -1) + ($r->{timeout} // -1);
    if ($name eq 'HTTP/1.1') {
        is($lost, 0, "$name: no request failed, errored or timed out")
            or diag($r->{raw});
    }
    else {
        # When its duration is over h2load stops waiting for the requests
        # in flight ("started" but not "done"); the server may have taken
        # and logged those, and the last ones may still be on their way to
        # the log.
        my $cut = ($r->{started} // 0) - ($r->{done} // 0);
        my $want = $r->{succeeded} // 0;
        my $logged = 0;
        for (1 .. 100) {
            $logged = access_lines() - $logged0;
            last if $logged >= $want;
            sleep 0.1;
        }
        ok($logged >= $want && $logged <= $want + $cut,
           "$name: every request the server took was answered ($lost "
           . "refused by GOAWAY before they started, $cut cut off by "
           . 'the end of the run)')
            or diag("$logged logged, $want answered\n$r->{raw}");
    }
    is($r->{s2xx} // -1, $r->{succeeded} // -2, "$name: every answer was 2xx");
    is(join('', map { $seen{$_} } 1 .. 3), '111',
       "$name: after each restart, the certificate then on disk is served");
    diag(sprintf '%s: %d requests answered during the restarts, %d failed',
         $name, $r->{succeeded} // 0, $lost);
}

# ---- graceful-stop lets a download finish --------------------------------------
{
    my $c = SSLXRawTLS->new(port => $port, timeout => 30);
    is($c->handshake13(sni => 'localhost'), 'ok', 'a download starts');
    $c->send_http("GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    $c->read_events(until => qr/^(?:http|data|alert|eof|reset)/);
    kill 'WINCH', parent_pid();        # apachectl -k graceful-stop
    my $ev = $c->read_events(secs => 60, until => qr/^(?:alert|eof|reset)/);
    my($head, $body) = split /\r\n\r\n/, $c->{app_in} // '', 2;
    like($head // '', qr{^HTTP/1\.1 200 }, 'graceful-stop: the download in progress ...');
    is(length($body // ''), 8 * 1024 * 1024, '... is finished, all 8 MiB');
    like(join(' ', @$ev), qr/warning:0/, '... and ends with close_notify');
    my $deadline = time + 30;
    sleep 0.2 while time < $deadline && waitpid($h->{pid}, POSIX::WNOHANG()) != $h->{pid};
    ok(time < $deadline, 'the server then stops');
    $h->{exited} = 1;
}

my @bad = sslx_log_problems(read_file("$dir/logs/error_log") // '');
is(scalar(@bad), 0, 'no mod_sslx warning or error') or diag(join "\n", @bad);
stop_httpd($h);
