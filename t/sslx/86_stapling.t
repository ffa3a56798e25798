# OCSP stapling (SSLXUseStapling and the SSLStapling* directives).
#
# The test makes its own CA whose certificates name responders on ports
# chosen now (t/lib/SSLXOCSP.pm), runs `openssl ocsp` as the responders,
# and one stand-alone server with a vhost per case on ports of their own:
#
#   good       a good certificate: its response is stapled (TLS 1.3 and
#              1.2, openssl s_client -status and gnutls-cli --ocsp), one
#              fetch serves every child, and a graceful restart keeps it
#              (the stapling cache is dbm, named with mod_ssl's directive)
#   revoked    a revoked certificate: stapled as it is by default
#              (ReturnResponderErrors), not with ReturnResponderErrors off
#   down       the responder is not there: tryLater (FakeTryLater), or
#              nothing with FakeTryLater off; the handshake works and the
#              log names the responder
#   late       the responder comes up later: stapled after
#              ErrorCacheTimeout
#   hang       (a server of its own) a responder that never answers keeps
#              the watchdog waiting: handshakes go on at once
#   fresh      ResponseMaxAge 5: refreshed in the background, and no
#              longer stapled once the responder is gone and it went stale
#   force      SSLStaplingForceURL instead of the certificate's responder
#   file       SSLXStaplingResponseFile: a response the administrator made
#
# and configuration mistakes, and conf-examples/stapling.conf started.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use SSLXTest;
use SSLXOCSP;

my $moddir = Apache::Test::vars('sslx_modulesdir');
plan tests => 50,
    need { 'openssl is needed'    => have_cmd('openssl'),
           'certtool is needed'   => have_cmd('certtool'),
           'gnutls-cli is needed' => have_cmd('gnutls-cli'),
           'ocsptool is needed'   => have_cmd('ocsptool'),
           'mod_socache_dbm is needed' => -f "$moddir/mod_socache_dbm.so" };

my $dir = standalone_dir('stapling');
my %port = map { $_ => free_port() }
    qw(r1 dead dead2 late hang fresh
       good revoked quiet down downquiet latevh hangvh freshvh force file);
# hangvh is served by a second server: its watchdog is kept busy.
my $pki = ocsp_pki("$dir/pki", port => $port{r1}, dead_port => $port{dead});
my $ca = "$pki/ca.crt";

my $r1 = start_responder($pki, port => $port{r1});
my $fresh = start_responder($pki, port => $port{fresh},
                            args => ['-ndays', 1]);
ok($r1->{up} && $fresh->{up}, 'the OCSP responders run')
    or diag(read_file($r1->{log}) // '');
my $hole = blackhole($port{hang});

my %url = map { $_ => "http://127.0.0.1:$port{$_}/" } keys %port;
canned_response($pki, 'nourl', 'ca', "$pki/nourl.resp");

# NAME => [certificate, directives]
my %vhost = (
    good      => ['www', ''],
    revoked   => ['revoked', ''],
    quiet     => ['revoked', 'SSLStaplingReturnResponderErrors off'],
    down      => ['elsewhere', ''],
    downquiet => ['nourl', "SSLStaplingForceURL $url{dead2}\n"
                           . 'SSLStaplingFakeTryLater off'],
    latevh    => ['www', "SSLStaplingForceURL $url{late}\n"
                         . 'SSLStaplingErrorCacheTimeout 2'],
    freshvh   => ['www', "SSLStaplingForceURL $url{fresh}\n"
                         . "SSLStaplingResponseMaxAge 5\n"
                         . "SSLStaplingResponseTimeSkew 0\n"
                         . "SSLStaplingErrorCacheTimeout 1\n"
                         . 'SSLStaplingFakeTryLater off'],
    force     => ['elsewhere', "SSLStaplingForceURL $url{r1}"],
    file      => ['nourl', "SSLXStaplingResponseFile $pki/nourl.resp"],
);

my $vhosts = '';
for my $name (sort keys %vhost) {
    my($cert, $extra) = @{ $vhost{$name} };
    $vhosts .= <<EOV;
Listen 127.0.0.1:$port{$name}
<VirtualHost 127.0.0.1:$port{$name}>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/$cert.chain.crt"
    SSLXCertificateKeyFile "$pki/$cert.key"
    SSLUseStapling on
$extra
</VirtualHost>
EOV
}

my $conf = "$dir/conf/httpd.conf";
write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, 'info sslx:debug') ]}
LoadModule socache_dbm_module "$moddir/mod_socache_dbm.so"
@{[ SSLXTest::small_mpm_conf() ]}
SSLStaplingCache "dbm:$dir/logs/stapling"
<Location /server-status>
    SetHandler server-status
</Location>
$vhosts
EOC
write_file("$dir/index.html", "ok\n");

my $elog = "$dir/logs/error_log";
my $h = start_httpd($conf, port => $port{file}, timeout => 30);
ok($h->{up}, 'the server starts with stapling on in every vhost')
    or diag($h->{stderr}, read_file($elog) // '');

sub status { ocsp_status(cafile => $ca, @_) }

# gnutls-cli --ocsp against the test's own CA; {trusted}, {revoked}.
sub gnutls_ocsp {
    my($p, @args) = @_;
    my $r = run_cmd(['gnutls-cli', '-p', $p, '--x509cafile', $ca,
                     '--verify-hostname', 'localhost', '--ocsp', @args,
                     '127.0.0.1'], stdin => '', timeout => 20);
    my $all = "$r->{out}$r->{err}";
    $r->{trusted} = $all =~ /Handshake was completed/
                    && $all =~ /The certificate is trusted/ ? 1 : 0;
    $r->{revoked} = $all =~ /revoked/ ? 1 : 0;
    return $r;
}
sub show { my $r = shift; diag("$r->{cmd}\n$r->{out}$r->{err}") }
sub log_lines { grep { $_ =~ $_[0] } split /\n/, read_file($elog) // '' }

# ---- good -------------------------------------------------------------------
my $r = wait_until(20, sub {
    my $s = status(port => $port{good});
    $s->{stapled} ? $s : undef;
});
ok($r, 'good: a response is stapled once the watchdog fetched it');
$r //= status(port => $port{good});
is($r->{response_status}, 'successful', 'good: ... a successful response')
    or show($r);
is($r->{cert_status}, 'good', '... saying good');
ok($r->{verify_ok}, '... and the handshake verifies');
my $r12 = status(port => $port{good}, tls => '1.2');
ok($r12->{protocol} && $r12->{protocol} eq 'TLSv1.2'
   && ($r12->{cert_status} // '') eq 'good',
   'good: stapled in TLS 1.2 as well') or show($r12);

my $saved = "$dir/saved.der";
my $g = gnutls_ocsp($port{good}, "--save-ocsp=$saved");
ok($g->{trusted}, 'good: gnutls-cli --ocsp trusts the certificate')
    or diag($g->{out}, $g->{err});
my $info = run_cmd(['ocsptool', '-j', '--infile', $saved], timeout => 10);
like($info->{out}, qr/Certificate Status: good/,
     '... and the response it saved says good');
like($info->{out}, qr/Serial Number: 1001/, '... about the certificate');

my @fetches = log_lines(qr/SSLX02711: .*CN=localhost from \Q$url{r1}\E/);
my @pids;
for (1 .. 10) {
    my $s = status(port => $port{good});
    push @pids, $s if ($s->{cert_status} // '') eq 'good';
}
is(scalar(@pids), 10, 'good: ten more handshakes, all stapled');
is(scalar(log_lines(qr/SSLX02711: .*CN=localhost from \Q$url{r1}\E/)),
   scalar(@fetches), '... without asking the responder again');
my $asked = responder_requests($r1);
ok($asked >= 1 && $asked <= 3, 'the responder saw at most one request for '
   . 'each of the three certificates it answers for, not one per handshake')
    or diag(read_file($r1->{log}));

# ---- revoked -------------------------------------------------------------------
$r = wait_until(15, sub {
    my $s = status(port => $port{revoked});
    $s->{stapled} ? $s : undef;
}) // status(port => $port{revoked});
is($r->{cert_status}, 'revoked',
   'revoked: the response saying revoked is stapled (ReturnResponderErrors)')
    or show($r);
$g = gnutls_ocsp($port{revoked});
ok(!$g->{trusted} && $g->{revoked},
   '... and gnutls-cli --ocsp refuses the server') or diag($g->{out}, $g->{err});
$r = status(port => $port{quiet});
ok($r->{handshake_ok} && !$r->{stapled},
   'ReturnResponderErrors off: the same response is not stapled')
    or show($r);
ok(log_lines(qr/SSLX02712: stapling: the OCSP responder \Q$url{r1}\E says of CN=localhost: revoked/),
   '... and the log says what the responder said');

# ---- down ----------------------------------------------------------------------
$r = wait_until(15, sub {
    my $s = status(port => $port{down});
    $s->{stapled} ? $s : undef;
}) // status(port => $port{down});
is($r->{response_status}, 'trylater',
   'down: the responder is not there: tryLater is stapled (FakeTryLater)')
    or show($r);
ok($r->{verify_ok}, '... and the handshake works');
$r = status(port => $port{downquiet});
ok($r->{handshake_ok} && $r->{verify_ok} && !$r->{stapled},
   'down, FakeTryLater off: nothing is stapled, the handshake works')
    or show($r);
ok(wait_until(10, sub {
       log_lines(qr/SSLX02714: stapling: no OCSP response for CN=localhost from \Q$url{dead2}\E: no answer/)
   }), '... and the log names the responder');

# ---- mod_status ------------------------------------------------------------------
# ?auto: one numbered group of lines per certificate fetched for.
my $st = curl_https(port => $port{good}, host => 'localhost',
                    path => '/server-status?auto', cacert => $ca);
my %staple;
for my $n (1 .. (($st->{body} // '') =~ /^SSLXStapledCertificates: (\d+)$/m ? $1 : 0)) {
    my %f = $st->{body} =~ /^SSLXStaple${n}(\w+): (.*)$/mg;
    $staple{"$f{Responder} $f{Status}"} = \%f;
}
my $good = $staple{"$url{r1} good"};
ok($good && $good->{Subject} =~ /CN=localhost/
   && $good->{NextUpdate} =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
   'mod_status ?auto: a certificate whose good response is cached, with '
   . 'its next update') or diag($st->{body});
ok($staple{"$url{r1} error response"},
   '... one whose responder says revoked') or diag($st->{body});
ok($staple{"$url{dead2} none"} && $staple{"$url{dead2} none"}{NextUpdate} eq 'none',
   '... one whose responder is down: no response, no next update')
    or diag($st->{body});
my $html = curl_https(port => $port{good}, host => 'localhost',
                      path => '/server-status', cacert => $ca);
like($html->{body} // '', qr{<th>stapled certificate</th>.*<td>\Q$url{r1}\E</td><td>good</td>}s,
     '... and the HTML page has the same table') or diag($html->{body});

# ---- late ---------------------------------------------------------------------
ok(wait_until(10, sub {
       log_lines(qr/SSLX02714: .* from \Q$url{late}\E/) }),
   'late: the first fetch failed');
my $late = start_responder($pki, port => $port{late});
$r = wait_until(15, sub {
    my $s = status(port => $port{latevh});
    ($s->{cert_status} // '') eq 'good' ? $s : undef;
});
ok($r, 'late: once the responder is up, its response is stapled '
       . '(after ErrorCacheTimeout 2)');

# ---- fresh ----------------------------------------------------------------------
$r = wait_until(15, sub {
    my $s = status(port => $port{freshvh});
    ($s->{cert_status} // '') eq 'good' ? $s : undef;
});
ok($r, 'fresh: a good response is stapled');
my $first = $r ? $r->{this_update} : '';
$r = wait_until(12, sub {
    my $s = status(port => $port{freshvh});
    ($s->{cert_status} // '') eq 'good'
        && ($s->{this_update} // $first) ne $first ? $s : undef;
});
ok($r, 'fresh: with ResponseMaxAge 5, a newer good response is stapled a '
   . 'few seconds later, fetched in the background');
stop_responder($fresh);
ok(wait_until(15, sub { !status(port => $port{freshvh})->{stapled} }),
   'fresh: with the responder gone, the response goes stale and is no '
   . 'longer stapled');
ok(log_lines(qr/SSLX02713: stapling: no new OCSP response for CN=localhost from \Q$url{fresh}\E/),
   '... after a log line saying the previous one is kept while current');

# ---- force, file -------------------------------------------------------------------
$r = wait_until(15, sub {
    my $s = status(port => $port{force});
    $s->{stapled} ? $s : undef;
}) // {};
is($r->{cert_status}, 'good',
   'force: SSLStaplingForceURL asks a responder the certificate does not name')
    or show($r);
$r = status(port => $port{file});
is($r->{cert_status}, 'good',
   'file: SSLXStaplingResponseFile is stapled from the first handshake')
    or show($r);
like($r->{out}, qr/Serial Number: 1003/, '... for its certificate');

# ---- graceful restart --------------------------------------------------------------
stop_responder($r1);
my $gen = () = (read_file($elog) // '') =~ /resuming normal operations/g;
my $fetched = scalar(log_lines(qr/SSLX02711: .* from \Q$url{r1}\E/));
kill 'USR1', $h->{pid};
ok(wait_until(20, sub {
       my $n = () = (read_file($elog) // '') =~ /resuming normal operations/g;
       $n > $gen }), 'graceful restart');
$r = status(port => $port{good});
is($r->{cert_status}, 'good',
   'after a graceful restart, the response is stapled from the dbm cache '
   . 'while its responder is down') or show($r);
is(scalar(log_lines(qr/SSLX02711: .* from \Q$url{r1}\E/)), $fetched,
   '... without a new fetch');

# Warnings this test caused on purpose stay in its own error log.
my @problems = grep { !/SSLX0271[2-4]/ } sslx_log_problems(read_file($elog));
is(scalar(@problems), 0, 'no other mod_sslx warnings in the error log')
    or diag(join "\n", @problems);
stop_httpd($h);

# ---- hang: a responder that never answers ------------------------------------
# A server of its own, whose watchdog is stuck with the responder from
# the start: handshakes meanwhile go on at once, unstapled.
{
    my $hdir = standalone_dir('stapling-hang');
    write_file("$hdir/conf/httpd.conf", <<EOC);
@{[ standalone_conf_head($hdir, 'info sslx:debug') ]}
SSLXStaplingCache "shmcb:$hdir/logs/ocsp(64000)"
Listen 127.0.0.1:$port{hangvh}
<VirtualHost 127.0.0.1:$port{hangvh}>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/nourl.chain.crt"
    SSLXCertificateKeyFile "$pki/nourl.key"
    SSLXUseStapling on
    SSLXStaplingForceURL $url{hang}
    SSLXStaplingResponderTimeout 8
</VirtualHost>
EOC
    my $hlog = "$hdir/logs/error_log";
    my $hh = start_httpd("$hdir/conf/httpd.conf", port => $port{hangvh},
                         timeout => 30);
    my(@times, @stapled);
    for (1 .. 3) {
        my $s = status(port => $port{hangvh});
        push @times, $s->{handshake_ok} ? sprintf('%.2f', $s->{secs}) : 99;
        push @stapled, $s->{stapled};
    }
    my $timed_out = qr/SSLX02714: .* from \Q$url{hang}\E: no answer: .*timed out/;
    ok($hh->{up} && !grep({ $_ > 2 } @times) && !grep({ $_ } @stapled)
       && (read_file($hlog) // '') !~ $timed_out,
       'hang: while the responder keeps the watchdog waiting, handshakes '
       . 'go on at once, unstapled') or diag("seconds: @times");
    my $r = wait_until(20, sub {
        my $s = status(port => $port{hangvh});
        $s->{stapled} ? $s : undef;
    }) // {};
    is($r->{response_status}, 'trylater',
       '... and after ResponderTimeout 8, tryLater is stapled');
    ok((read_file($hlog) // '') =~ $timed_out,
       '... with a log line saying the responder timed out');
    stop_httpd($hh);
}

# ---- configuration mistakes ------------------------------------------------------
sub configtest_vhost {
    my($name, $global, $body) = @_;
    my $cdir = standalone_dir("stapling-$name");
    my $p = free_port();
    write_file("$cdir/conf/httpd.conf", <<EOC);
@{[ standalone_conf_head($cdir, 'info') ]}
$global
Listen 127.0.0.1:$p
<VirtualHost 127.0.0.1:$p>
    ServerName localhost
    SSLXEngine on
    SSLXCertificateFile    "$pki/www.chain.crt"
    SSLXCertificateKeyFile "$pki/www.key"
$body
</VirtualHost>
EOC
    my $t = httpd_configtest("$cdir/conf/httpd.conf");
    return ($t->{rc}, $t->{out} . $t->{err});
}

my $cache = "SSLXStaplingCache \"shmcb:logs/ocsp(64000)\"";
my @mistakes = (
    ['nocache', '', 'SSLXUseStapling on', qr/no SSLXStaplingCache/,
     'SSLXUseStapling without a stapling cache'],
    ['badcache', 'SSLStaplingCache nosuch:x', '',
     qr/SSLStaplingCache: 'nosuch' stapling cache not supported/,
     'an unknown socache provider'],
    ['seconds', $cache, "SSLXUseStapling on\nSSLStaplingResponderTimeout soon",
     qr/SSLStaplingResponderTimeout: expected seconds/,
     'a timeout that is not a number'],
    ['https', $cache, "SSLXUseStapling on\nSSLStaplingForceURL https://x/",
     qr/SSLStaplingForceURL: .*only http/, 'an https:// responder'],
    ['fileoff', '', "SSLXStaplingResponseFile $pki/nourl.resp",
     qr/SSLXStaplingResponseFile is given, but SSLXUseStapling is not on/,
     'a response file without SSLXUseStapling on'],
    ['wrongfile', '', "SSLXUseStapling on\n"
                      . "SSLXStaplingResponseFile $pki/nourl.resp",
     qr/SSLXStaplingResponseFile '\Q$pki\E\/nourl.resp'.*not a response about that certificate/,
     'a response file about another certificate'],
);
for my $m (@mistakes) {
    my($name, $global, $body, $re, $what) = @$m;
    my($rc, $out) = configtest_vhost($name, $global, $body);
    ok($rc != 0 && $out =~ $re, "httpd -t refuses $what") or diag($out);
}
my($rc, $out) = configtest_vhost('modssl-names', 'SSLStaplingCache '
    . '"shmcb:logs/ocsp(64000)"', join("\n", 'SSLUseStapling on',
    'SSLStaplingResponderTimeout 5', 'SSLStaplingResponseMaxAge 3600',
    'SSLStaplingResponseTimeSkew 60', 'SSLStaplingStandardCacheTimeout 600',
    'SSLStaplingErrorCacheTimeout 60', 'SSLStaplingReturnResponderErrors off',
    'SSLStaplingFakeTryLater off', "SSLStaplingForceURL $url{r1}"));
is($rc, 0, 'every SSLStapling* directive under its mod_ssl name is taken')
    or diag($out);

# ---- conf-examples/stapling.conf -------------------------------------------------
{
    my $edir = standalone_dir('stapling-example');
    my $p = free_port();
    my $text = read_file(t_dir() . '/../conf-examples/stapling.conf')
        // die "conf-examples/stapling.conf is missing\n";
    $text =~ s/^LoadModule sslx_module .*$//m;
    $text =~ s/^LoadModule (\w+) modules\//LoadModule $1 $moddir\//mg;
    $text =~ s/\b443\b/$p/g;
    $text =~ s{/etc/ssl/www\.example\.org\.chain\.crt}{$pki/www.chain.crt}g;
    $text =~ s{/etc/ssl/www\.example\.org\.key}{$pki/www.key}g;
    $text =~ s{/var/www/html}{$edir}g;
    $text =~ s/\*:$p/127.0.0.1:$p/g;
    $text =~ s/^Listen $p/Listen 127.0.0.1:$p/m;
    write_file("$edir/index.html", "example\n");
    write_file("$edir/conf/httpd.conf",
               standalone_conf_head($edir, 'info sslx:debug') . $text);
    my $again = start_responder($pki, port => $port{r1});
    my $eh = start_httpd("$edir/conf/httpd.conf", port => $p, timeout => 30);
    ok($eh->{up}, 'conf-examples/stapling.conf starts')
        or diag($eh->{stderr}, read_file("$edir/logs/error_log") // '');
    my $s = wait_until(20, sub {
        my $x = status(port => $p);
        ($x->{cert_status} // '') eq 'good' ? $x : undef;
    });
    ok($s, '... and staples a good response');
    stop_httpd($eh);
    stop_responder($again);
}

stop_responder($late);
undef $hole;
