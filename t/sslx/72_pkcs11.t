# Keys (and certificates) on a PKCS#11 token, named by pkcs11: URLs in
# SSLXCertificateKeyFile / SSLXCertificateFile.  The token is a SoftHSM
# token the test initialises in a directory of its own (SOFTHSM2_CONF);
# GnuTLS finds SoftHSM through p11-kit.  The PIN comes from the URL
# (pin-value, pin-source) or from the pass phrase dialog, once, and every
# child logs in again after the fork: requests are served by several
# children, before and after a graceful restart.  A wrong PIN stops the
# start with the URL named.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use SSLXKeys;

plan tests => 37,
    need { 'softhsm2-util is needed (softhsm2)' => have_cmd('softhsm2-util'),
           'p11tool is needed (gnutls-bin)'    => have_cmd('p11tool'),
           'openssl is needed'                 => have_cmd('openssl') };

my $tmp = SSLXTest::tmp_dir();
my $pin = '4321';

# ---- the token -----------------------------------------------------------------
mkdir "$tmp/tokens" or die "mkdir: $!";
write_file("$tmp/softhsm2.conf", <<EOC);
directories.tokendir = $tmp/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOC
$ENV{SOFTHSM2_CONF} = "$tmp/softhsm2.conf";

sub must {
    my($what, @cmd) = @_;
    my $r = run_cmd(\@cmd, timeout => 60);
    die "$what failed: $r->{out}$r->{err}" if $r->{rc} != 0;
    return $r;
}
must('initialising the token', 'softhsm2-util', '--init-token', '--free',
     '--label', 'sslxtest', '--so-pin', '123456', '--pin', $pin);
must('converting the key', qw(openssl pkey -in), pki('localhost.ecdsa.key'),
     '-out', "$tmp/key.p8");
must('importing the key', 'softhsm2-util', '--import', "$tmp/key.p8",
     '--token', 'sslxtest', '--label', 'srvkey', '--id', '01',
     '--pin', $pin);
unlink "$tmp/key.p8";
must('storing the certificate', 'p11tool', '--login', "--set-pin=$pin",
     '--write', '--load-certificate', pki('localhost.ecdsa.crt'),
     '--label', 'srvcert', '--id', '01', 'pkcs11:token=sslxtest');
my $list = must('listing the token', 'p11tool', '--login', "--set-pin=$pin",
                '--list-all', 'pkcs11:token=sslxtest');
like($list->{out}, qr/Private key.*Label: srvkey/s,
     'the token holds the private key (only for a logged-in user)');

my $key_url = 'pkcs11:token=sslxtest;object=srvkey;type=private';
my $crt_url = 'pkcs11:token=sslxtest;object=srvcert;type=cert';
my $crt = pki('localhost.ecdsa.crt');

sub vhost {
    my($c, $k) = @_;
    return "    SSLXEngine on\n    SSLXCertificateFile \"$c\"\n"
         . "    SSLXCertificateKeyFile \"$k\"\n";
}

my $tag = 0;
# Requests on fresh connections; returns (number of 200s, number of
# children that served them, per the access log).
sub many {
    my($port, $dir, $n) = @_;
    my($ok, %pids) = (0);
    for (1 .. $n) {
        my $t = 'k' . ++$tag;
        my $r = curl_https(port => $port, host => 'localhost',
                           path => "/ok.txt?$t");
        $ok++ if $r->{code} eq '200';
        my $e = access_log_entry("$dir/logs/access_log", $t);
        $pids{ $e->[0] } = 1 if @$e;
    }
    return ($ok, scalar keys %pids);
}

# ---- the PIN in the URL -----------------------------------------------------------
{
    my($conf, $dir, $port) = key_server_conf('p11-pinvalue', '',
        vhost($crt, "$key_url;pin-value=$pin"));
    my $t = httpd_configtest($conf);
    is($t->{rc}, 0, 'pin-value: httpd -t succeeds') or diag($t->{err});
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'pin-value: the server starts with the key on the token')
        or diag($h->{stderr}, error_log_of($dir));
    my($ok, $kids) = many($port, $dir, 12);
    is($ok, 12, '... every request is served');
    cmp_ok($kids, '>=', 2, '... by several children, each signing with '
           . 'the token after the fork');
    stop_httpd($h);
    my @bad = sslx_log_problems(error_log_of($dir));
    is(scalar(@bad), 0, '... without mod_sslx warnings') or diag(join "\n", @bad);
}
{
    write_file("$tmp/pin.txt", $pin, 0600);
    my($conf, $dir, $port) = key_server_conf('p11-pinsource', '',
        vhost($crt, "$key_url;pin-source=$tmp/pin.txt"));
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'pin-source: the server starts')
        or diag($h->{stderr}, error_log_of($dir));
    my($ok) = many($port, $dir, 4);
    is($ok, 4, '... and serves');
    stop_httpd($h);
}

# ---- the PIN from the dialog ------------------------------------------------------
my $plog = "$tmp/pin-program.log";
my $prog = write_file("$tmp/pin.sh", <<EOS, 0755);
#!/bin/sh
echo "\$1 \$2" >>'$plog'
echo '$pin'
EOS
sub calls { [grep { length } split /\n/, read_file($plog) // ''] }
{
    my($conf, $dir, $port) = key_server_conf('p11-dialog',
        "SSLXPassPhraseDialog exec:$prog", vhost($crt, $key_url));
    my $t = httpd_configtest($conf);
    is($t->{rc}, 0, 'PIN from the dialog: httpd -t succeeds without asking')
        or diag($t->{out}, $t->{err});
    is(scalar(@{ calls() }), 0, '... the program did not run');
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'PIN from the dialog: the server starts')
        or diag($h->{stderr}, error_log_of($dir));
    my @c = @{ calls() };
    is(scalar(@c), 1, '... the program ran once') or diag(join "\n", @c);
    is($c[0], "localhost:$port ECC", '... with "servername:port" and ECC');
    my($ok, $kids) = many($port, $dir, 12);
    is($ok, 12, '... every request is served');
    cmp_ok($kids, '>=', 2, '... by several children, which logged in with '
           . 'the kept PIN');
    ok(graceful_restart($h, $dir, $port), 'graceful restart');
    is(scalar(@{ calls() }), 1, '... asks for no PIN');
    ($ok, $kids) = many($port, $dir, 12);
    is($ok, 12, '... and the new children serve');
    cmp_ok($kids, '>=', 2, '... several of them');
    stop_httpd($h);
    my @bad = sslx_log_problems(error_log_of($dir));
    is(scalar(@bad), 0, '... without mod_sslx warnings') or diag(join "\n", @bad);
    unlike(error_log_of($dir), qr/seg fault|nasty error/, '... and exits cleanly');
}

# ---- a renewed certificate for the key on the token --------------------------------
{
    use File::Copy qw(copy);
    my $live = "$tmp/live.crt";
    copy($crt, $live) or die;
    my($conf, $dir, $port) = key_server_conf('p11-reload',
        "SSLXPassPhraseDialog exec:$prog",
        vhost($live, $key_url) . "    SSLXCertificateReload 1\n");
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'SSLXCertificateReload with the key on the token: the '
       . 'server starts') or diag($h->{stderr}, error_log_of($dir));
    my($renewed) = make_cert($tmp, 'renewed', '3001',
                             key => pki('localhost.ecdsa.key'));
    copy($renewed, "$live.new") or die;
    rename "$live.new", $live or die;
    sleep 1.5;
    my %seen;
    $seen{ (served_cert($port))[0] }++ for 1 .. 6;
    is(join(',', sort keys %seen), '3001', '... a renewed certificate file '
       . 'is picked up, the children logging in to the token again with '
       . 'the kept PIN');
    stop_httpd($h);
    my @bad = sslx_log_problems(error_log_of($dir));
    is(scalar(@bad), 0, '... without mod_sslx warnings') or diag(join "\n", @bad);
}

# ---- certificate and key on the token -----------------------------------------------
{
    my($conf, $dir, $port) = key_server_conf('p11-both',
        "SSLPassPhraseDialog exec:$prog", vhost($crt_url, $key_url));
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'certificate and key by URL: the server starts')
        or diag($h->{stderr}, error_log_of($dir));
    my($serial) = served_cert($port);
    is($serial, '9E3779B97F4A7C15', '... and presents the certificate '
       . 'from the token');
    stop_httpd($h);
}

# ---- conf-examples/protected-keys.conf ------------------------------------------------
{
    my $enc = encrypt_key(pki('localhost.rsa.key'), "$tmp/example.key",
                          'example-phrase', 'pkcs8');
    my $eplog = "$tmp/example-program.log";
    my $eprog = write_file("$tmp/example.sh", <<EOS, 0755);
#!/bin/sh
echo "\$1 \$2" >>'$eplog'
case "\$2" in ECC) echo '$pin' ;; *) echo 'example-phrase' ;; esac
EOS
    my($p1, $p2) = (free_port(), free_port());
    my($conf, $dir) = example_conf('protected-keys.conf', 'p11-example', [
        ['/usr/local/sbin/tls-pass-phrase', $eprog],
        ['Listen 443', "Listen 127.0.0.1:$p1"],
        ['<VirtualHost *:443>', "<VirtualHost 127.0.0.1:$p1>"],
        ['Listen 8443', "Listen 127.0.0.1:$p2"],
        ['<VirtualHost *:8443>', "<VirtualHost 127.0.0.1:$p2>"],
        ['/etc/ssl/www.example.org.crt', pki('localhost.rsa.crt')],
        ['/etc/ssl/private/www.example.org.key', $enc],
        ['/etc/ssl/hsm.example.org.crt', $crt],
        ['token=webserver;object=www-key', 'token=sslxtest;object=srvkey']]);
    my $h = start_httpd($conf, port => $p2);
    ok($h->{up} && wait_for_port($p1, 10),
       'conf-examples/protected-keys.conf starts')
        or diag($h->{stderr}, error_log_of($dir));
    my @c = sort split /\n/, read_file($eplog) // '';
    is_deeply(\@c, ["hsm.example.org:$p2 ECC", "www.example.org:$p1 RSA"],
              '... asking its program for the pass phrase and the PIN');
    for my $v (['www.example.org', $p1, 'the encrypted key'],
               ['hsm.example.org', $p2, 'the key on the token']) {
        my $r = curl_https(port => $v->[1], host => $v->[0],
                           path => '/ok.txt', insecure => 1);
        is($r->{code}, 200, "... and serves $v->[0] with $v->[2]");
    }
    stop_httpd($h);
}

# ---- a wrong PIN ---------------------------------------------------------------------
{
    my $bad = write_file("$tmp/badpin.sh", "#!/bin/sh\necho 0000\n", 0755);
    my($conf, $dir, $port) = key_server_conf('p11-wrong',
        "SSLXPassPhraseDialog exec:$bad", vhost($crt, $key_url));
    my $h = start_httpd($conf, port => $port, timeout => 20);
    ok(!$h->{up} && $h->{exited} && $h->{rc} != 0,
       'wrong PIN: httpd does not start');
    my $text = ($h->{stderr} // '') . error_log_of($dir);
    like($text, qr/\Q$key_url\E/, '... the message names the key URL');
    like($text, qr/PIN/, '... and says the PIN was the problem') or diag($text);
    stop_httpd($h);
}
{
    my($conf, $dir, $port) = key_server_conf('p11-nopin', '',
        vhost($crt, $key_url));
    my $h = start_httpd($conf, port => $port, timeout => 20);
    ok(!$h->{up} && $h->{exited}, 'PIN wanted, builtin dialog, no terminal: '
       . 'httpd does not start');
    like(($h->{stderr} // '') . error_log_of($dir), qr/no terminal/,
         '... saying there is no terminal to ask on');
    stop_httpd($h);
}
{
    my($conf, $dir, $port) = key_server_conf('p11-nosuch', '',
        vhost($crt, 'pkcs11:token=sslxtest;object=nosuchkey;type=private;'
                    . "pin-value=$pin"));
    my $t = httpd_configtest($conf);
    isnt($t->{rc}, 0, 'a URL naming no object: httpd -t fails');
    like($t->{out} . $t->{err}, qr/nosuchkey/, '... naming the URL');
}
