# SSLXCertificateReload: certificate/key pairs renewed on disk are used
# by every child for new connections, without a restart; a connection
# that began before keeps its pair; a broken, mismatched or expired
# replacement is refused with a log line and the old pair keeps serving;
# a renewed certificate for the same encrypted key is picked up, a new
# encrypted key is not.  The certificates are made by the test from the
# test CA, each with its own serial.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Copy qw(copy);
use SSLXTest;
use SSLXKeys;
use Time::HiRes qw(sleep);

plan tests => 45,
    need { 'openssl is needed'  => have_cmd('openssl'),
           'certtool is needed' => have_cmd('certtool') };

my $tmp = SSLXTest::tmp_dir();
my %c;
for my $v (['one', '1001'], ['two', '1002'], ['three', '1003'],
           ['five', '1005'], ['six', '1008']) {
    $c{ $v->[0] } = [make_cert($tmp, @$v), $v->[1]];
}
$c{expired} = [make_cert($tmp, 'expired', '1004', expired => 1), '1004'];
$c{mismatch} = [make_cert($tmp, 'mismatch', '1006',
                          key => $c{one}->[1]), '1006'];
$c{mismatch}->[1] = $c{two}->[1];    # the certificate of one, key of two

my($crt, $key) = ("$tmp/live.crt", "$tmp/live.key");

# Puts a pair in place the way renewal tools do: new files renamed over
# the old ones (certificate first).
sub install {
    my $name = shift;
    my($from_crt, $from_key) = @{ $c{$name} };
    copy($from_crt, "$crt.new") or die "copy: $!";
    copy($from_key, "$key.new") or die "copy: $!";
    rename "$crt.new", $crt or die "rename: $!";
    rename "$key.new", $key or die "rename: $!";
}

# Each child looks at the files when it takes its first connection after
# the interval, so a new good pair is all that new connections see; a
# child that took no connection since an earlier renewal may still serve
# the pair before it, so "the old pair keeps serving" is checked as
# "every handshake succeeds with one of the pairs served before".
sub only_old {
    my($port, $n, @old) = @_;
    my %ok = map { $_ => 1 } @old;
    my @got = split /,/, serials($port, $n);
    my @other = grep { !$ok{$_} } @got;
    diag('served: ' . join(',', @got)) if @other || !@got;
    return (@got && !@other) ? 1 : 0;
}

# The serials new connections are shown.
sub serials {
    my($port, $n) = @_;
    my %seen;
    for (1 .. $n) {
        my($serial) = served_cert($port);
        $seen{$serial}++;
    }
    return join ',', sort keys %seen;
}

sub pair_vhost {
    return "    SSLXEngine on\n    SSLXCertificateFile \"$crt\"\n"
         . "    SSLXCertificateKeyFile \"$key\"\n" . ($_[0] // '');
}

install('one');
my($conf, $dir, $port) = key_server_conf('reload', '',
    pair_vhost("    SSLXCertificateReload 1\n"));
my $t = httpd_configtest($conf);
is($t->{rc}, 0, 'SSLXCertificateReload 1: httpd -t succeeds')
    or diag($t->{out}, $t->{err});
my $h = start_httpd($conf, port => $port);
ok($h->{up}, 'the server starts') or diag($h->{stderr}, error_log_of($dir));
sleep 1.2;
is(serials($port, 6), '1001', 'new connections see the first certificate, '
   . 'and a look at unchanged files changes nothing');
unlike(error_log_of($dir), qr/SSLX02522/, '... nothing was reloaded');

# A connection open across the renewal keeps its certificate.
my $sock = tls_connect(port => $port, sni => 'localhost');
ok($sock, 'a keep-alive connection is open') or diag($@);
print {$sock} "GET /ok.txt?before HTTP/1.1\r\nHost: localhost\r\n\r\n";
like(read_some($sock, 10), qr{^HTTP/1\.1 200}, '... and served');

install('two');
sleep 1.5;
is(serials($port, 8), '1002', 'after the renewal every new connection, in '
   . 'every child, sees the new certificate');
like(error_log_of($dir), qr/SSLX02522: SSLXCertificateReload: vhost localhost serves new certificates to new connections: serial 1002/,
     '... and the children say so, with the new serial');

print {$sock} "GET /ok.txt?during HTTP/1.1\r\nHost: localhost\r\n\r\n";
like(read_some($sock, 10), qr{^HTTP/1\.1 200}, 'the connection from before '
     . 'is still served');
is(access_log_entry("$dir/logs/access_log", 'during')->[1], '1001',
   '... under the certificate it began with (SSL_SERVER_M_SERIAL)');
close $sock;

# ---- refused replacements --------------------------------------------------------
my $off = -s "$dir/logs/error_log";
write_file($crt, "-----BEGIN CERTIFICATE-----\ngarbage\n");
sleep 1.5;
serials($port, 6);    # each child finds it: logged at its next look
sleep 1.2;
ok(only_old($port, 6, '1001', '1002'), 'a broken certificate file: the old '
   . 'pair keeps serving');
my $log = substr(error_log_of($dir), $off);
like($log, qr/SSLX02521: SSLXCertificateReload: the replacement certificates of vhost localhost are refused, the old ones keep serving \(serial 100[12].*\Q$crt\E/,
     '... the refusal is logged with the file');
sleep 1.2;
ok(only_old($port, 4, '1001', '1002'), '... still, after another interval');
my %per_child;
$per_child{$_}++
    for substr(error_log_of($dir), $off) =~ /\[pid (\d+):[^]]*\] SSLX02521/g;
ok(%per_child && !grep({ $_ > 1 } values %per_child),
   '... and logged once per child, not at every look')
    or diag(join ' ', %per_child);

$off = -s "$dir/logs/error_log";
install('mismatch');
sleep 1.5;
serials($port, 6);
sleep 1.2;
ok(only_old($port, 6, '1001', '1002'), 'a key that does not match: the '
   . 'old pair keeps serving');
like(substr(error_log_of($dir), $off), qr/SSLX02521.*does not match/,
     '... and the log says why');

$off = -s "$dir/logs/error_log";
install('expired');
sleep 1.5;
serials($port, 6);
sleep 1.2;
ok(only_old($port, 6, '1001', '1002'), 'an expired certificate: the old '
   . 'pair keeps serving');
like(substr(error_log_of($dir), $off), qr/SSLX02521.*expired/,
     '... and the log says why');

install('five');
sleep 1.5;
is(serials($port, 8), '1005', 'a good pair after refused ones is served');

# The certificate lands first, its key one look later.
$off = -s "$dir/logs/error_log";
copy($c{six}->[0], "$crt.new") or die;
rename "$crt.new", $crt or die;
sleep 1.5;
# One connection only: a child must not look twice (the interval is one
# second here) before the key arrives, and two handshakes may take that
# long on a loaded machine.
ok(only_old($port, 1, '1001', '1002', '1005'), 'a new certificate without '
   . 'its key yet: an old pair serves');
copy($c{six}->[1], "$key.new") or die;
rename "$key.new", $key or die;
sleep 1.5;
is(serials($port, 6), '1008', '... and once the key follows, the new pair');
unlike(substr(error_log_of($dir), $off), qr/SSLX02521/,
       '... without an error in between');

# A file rewritten in place (no rename), certificate and key.
copy($c{three}->[0], $crt) or die;
copy($c{three}->[1], $key) or die;
sleep 1.5;
is(serials($port, 6), '1003', 'files rewritten in place are picked up too');
ok(graceful_restart($h, $dir, $port), 'a graceful restart');
is(serials($port, 4), '1003', '... serves what is on disk');
stop_httpd($h);
$log = error_log_of($dir);
unlike($log, qr/seg fault|nasty error/, 'no crash, old generations freed '
       . 'cleanly');
my @bad = grep { !/SSLX02521/ } sslx_log_problems($log);
is(scalar(@bad), 0, 'no other mod_sslx warnings') or diag(join "\n", @bad);

# ---- children forked after a renewal --------------------------------------------------
{
    install('one');
    my($conf, $dir, $port) = key_server_conf('reload-fork',
        "MaxConnectionsPerChild 2",
        pair_vhost("    SSLXCertificateReload 1\n"));
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'MaxConnectionsPerChild 2: the server starts');
    install('two');
    # The parent looks from httpd's monitor hook, which runs every few
    # seconds (about ten when idle, more on a loaded or sanitized build).
    my $parent = 0;
    for (1 .. 300) {
        last if $parent = error_log_of($dir)
            =~ /\[pid $h->{pid}:[^]]*\] SSLX02522: .*serial 1002/;
        sleep 0.2;
    }
    ok($parent, '... the parent loads the renewed pair too');
    my(%serial, %pid);
    for my $i (1 .. 12) {
        curl_https(port => $port, host => 'localhost', path => "/ok.txt?f$i");
        my $e = access_log_entry("$dir/logs/access_log", "f$i");
        $serial{ $e->[1] // '' }++;
        $pid{ $e->[0] } = 1 if @$e;
    }
    is(join(',', sort keys %serial), '1002', 'every connection, in children '
       . 'old and new, sees the renewed certificate');
    my %reloaded = map { $_ => 1 }
        error_log_of($dir) =~ /\[pid (\d+):[^]]*\] SSLX02522/g;
    ok(scalar(grep { !$reloaded{$_} } keys %pid),
       '... children forked after the renewal took it from the parent, '
       . 'without loading it themselves') or diag(join ' ', keys %pid);
    stop_httpd($h);
}

# ---- off by default ------------------------------------------------------------------
{
    install('one');
    my($conf, $dir, $port) = key_server_conf('reload-off', '', pair_vhost());
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'without SSLXCertificateReload the server starts');
    install('two');
    sleep 1.5;
    is(serials($port, 4), '1001', '... and keeps its certificate');
    stop_httpd($h);
}

# ---- an encrypted key ---------------------------------------------------------------
{
    my $enc = encrypt_key($c{one}->[1], "$tmp/enc.key", 'secret', 'pkcs8');
    my $prog = write_file("$tmp/pp.sh", "#!/bin/sh\necho secret\n", 0755);
    copy($c{one}->[0], $crt) or die;
    my($conf, $dir, $port) = key_server_conf('reload-enc',
        "SSLXPassPhraseDialog exec:$prog",
        "    SSLXEngine on\n    SSLXCertificateFile \"$crt\"\n"
        . "    SSLXCertificateKeyFile \"$enc\"\n"
        . "    SSLXCertificateReload 1\n");
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'an encrypted key with SSLXCertificateReload: the server '
       . 'starts') or diag($h->{stderr}, error_log_of($dir));
    my($renewed) = make_cert($tmp, 'renewed', '1007', key => $c{one}->[1]);
    copy($renewed, "$crt.new") or die;
    rename "$crt.new", $crt or die;
    sleep 1.5;
    is(serials($port, 6), '1007', 'a renewed certificate for the same '
       . 'encrypted key is picked up (the decrypted key is kept)');
    my $off = -s "$dir/logs/error_log";
    encrypt_key($c{two}->[1], $enc, 'secret', 'pkcs8');
    copy($c{two}->[0], "$crt.new") or die;
    rename "$crt.new", $crt or die;
    sleep 1.5;
    serials($port, 4);
    sleep 1.2;
    ok(only_old($port, 4, '1001', '1007'), 'a new encrypted key is not: '
       . 'the old pair keeps serving');
    like(substr(error_log_of($dir), $off),
         qr/SSLX02521.*only given for the file as it was at startup/,
         '... and the log says a restart is needed');
    ok(graceful_restart($h, $dir, $port), 'after a graceful restart');
    is(serials($port, 4), '1002', '... the new pair serves (its pass '
       . 'phrase asked for again)');
    stop_httpd($h);
}

# ---- directive errors ----------------------------------------------------------------
for my $arg (qw(sometimes 0 86401)) {
    my($conf) = key_server_conf('reload-arg', '',
                                pair_vhost("    SSLXCertificateReload $arg\n"));
    my $t = httpd_configtest($conf);
    isnt($t->{rc}, 0, "SSLXCertificateReload $arg: httpd -t fails");
    like($t->{out} . $t->{err}, qr/SSLXCertificateReload: expected 'on', 'off' or seconds/,
         '... saying what it expects');
}
