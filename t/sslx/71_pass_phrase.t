# Encrypted private keys and SSLXPassPhraseDialog (mod_ssl's
# SSLPassPhraseDialog): PKCS#8 and traditional OpenSSL PEM keys, an exec:
# program called with "servername:port" and the algorithm, one pass
# phrase tried on every key before asking again, no second question at a
# graceful restart, a configuration test that asks nothing, a wrong pass
# phrase refusing the start with the key file named, and the builtin
# dialog on a pseudo-terminal.  Every server is a stand-alone httpd.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use SSLXKeys;
use POSIX ();

plan tests => 49,
    need { 'openssl is needed' => have_cmd('openssl') };

my $tmp = SSLXTest::tmp_dir();
my($ecrt, $rcrt) = (pki('localhost.ecdsa.crt'), pki('localhost.rsa.crt'));
my $ec_p8 = encrypt_key(pki('localhost.ecdsa.key'), "$tmp/ec.p8.key",
                        'ec-phrase', 'pkcs8');
my $rsa_trad = encrypt_key(pki('localhost.rsa.key'), "$tmp/rsa.trad.key",
                           'ec-phrase', 'traditional');
my $rsa_other = encrypt_key(pki('localhost.rsa.key'), "$tmp/rsa.other.key",
                            'rsa-phrase', 'pkcs8');

like(read_file($ec_p8), qr/BEGIN ENCRYPTED PRIVATE KEY/,
     'the ECDSA key is an encrypted PKCS#8 key');
like(read_file($rsa_trad), qr/Proc-Type: 4,ENCRYPTED/,
     'the RSA key is an encrypted traditional PEM key');

# An exec: program that logs its arguments and prints the pass phrase
# for the algorithm it is asked about.
sub program {
    my($name, %phrase) = @_;
    my $log = "$tmp/$name.log";
    unlink $log;
    my $cases = join '', map { "    $_) echo '$phrase{$_}' ;;\n" }
                             sort keys %phrase;
    my $prog = write_file("$tmp/$name.sh", <<EOS, 0755);
#!/bin/sh
echo "\$1 \$2" >>'$log'
case "\$2" in
$cases    *) echo 'no-such-phrase' ;;
esac
EOS
    return ($prog, $log);
}

sub calls {
    my $log = shift;
    return [grep { length } split /\n/, read_file($log) // ''];
}

sub pairs {
    my $v = "    SSLXEngine on\n";
    while (my($c, $k) = splice @_, 0, 2) {
        $v .= "    SSLXCertificateFile \"$c\"\n"
            . "    SSLXCertificateKeyFile \"$k\"\n";
    }
    return $v;
}

sub get_ok {
    my($port, $sigalg) = @_;
    my $r = s_client(port => $port, sni => 'localhost',
                     args => ['-sigalgs', $sigalg],
                     request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n");
    return (($r->{response} || {})->{code} // '', $r->{peer_key_type} // '');
}

# ---- exec: one pass phrase for two keys --------------------------------------
{
    my($prog, $plog) = program('same', ECC => 'ec-phrase', RSA => 'ec-phrase');
    my($conf, $dir, $port) = key_server_conf('pp-exec',
        "SSLXPassPhraseDialog exec:$prog",
        pairs($ecrt, $ec_p8, $rcrt, $rsa_trad));

    my $t = httpd_configtest($conf);
    is($t->{rc}, 0, 'httpd -t with encrypted keys succeeds')
        or diag($t->{out}, $t->{err});
    is(scalar(@{ calls($plog) }), 0, '... and runs no pass phrase program');

    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'exec: the server starts with two encrypted keys')
        or diag($h->{stderr}, error_log_of($dir));
    my @c = @{ calls($plog) };
    is(scalar(@c), 1, '... the program ran once: its phrase fit both keys')
        or diag(join "\n", @c);
    like($c[0] // '', qr/^localhost:$port (?:ECC|RSA)$/,
         '... with "servername:port" and the algorithm as arguments');
    my($code, $type) = get_ok($port, 'ecdsa_secp256r1_sha256');
    is($code, 200, 'a client taking ECDSA is served');
    like($type, qr/id-ecPublicKey|EC/i, '... with the ECDSA certificate');
    ($code, $type) = get_ok($port, 'rsa_pss_rsae_sha256');
    is($code, 200, 'a client taking RSA only is served');
    like($type, qr/rsaEncryption|RSA/i, '... with the RSA certificate');

    ok(graceful_restart($h, $dir, $port), 'graceful restart');
    is(scalar(@{ calls($plog) }), 1, '... asks no pass phrase again');
    ($code) = get_ok($port, 'ecdsa_secp256r1_sha256');
    is($code, 200, '... and the decrypted keys still serve (ECDSA)');
    ($code) = get_ok($port, 'rsa_pss_rsae_sha256');
    is($code, 200, '... (RSA)');

    # A key file replaced on disk is a new key: asked for at the restart.
    encrypt_key(pki('localhost.ecdsa.key'), $ec_p8, 'ec-phrase', 'pkcs8');
    ok(graceful_restart($h, $dir, $port), 'graceful restart after the key file '
       . 'was re-encrypted');
    is(scalar(@{ calls($plog) }), 2, '... asks for that key again');
    ($code) = get_ok($port, 'ecdsa_secp256r1_sha256');
    is($code, 200, '... and serves with it');

    # A restart that fails on a broken configuration ends httpd cleanly,
    # the kept keys wiped by code that is still loaded.
    write_file($conf, read_file($conf) . "\nNoSuchDirective here\n");
    kill 'USR1', $h->{pid};
    my $status;
    for (1 .. 100) {
        last if waitpid($h->{pid}, POSIX::WNOHANG()) == $h->{pid}
                && defined($status = $?);
        select undef, undef, undef, 0.2;
    }
    $h->{exited} = 1;
    ok(defined $status && ($status & 127) == 0,
       'a graceful restart into a broken configuration: httpd exits '
       . 'without a crash') or diag("status ", $status // 'none');
    my @bad = sslx_log_problems(error_log_of($dir));
    is(scalar(@bad), 0, 'no mod_sslx warnings') or diag(join "\n", @bad);
    unlike(error_log_of($dir), qr/seg fault|nasty error/,
           '... and a clean exit of the parent (the kept keys are wiped)');
}

# ---- exec: two pass phrases, mod_ssl's directive name ---------------------------
{
    my($prog, $plog) = program('two', ECC => 'ec-phrase', RSA => 'rsa-phrase');
    my($conf, $dir, $port) = key_server_conf('pp-two',
        "SSLPassPhraseDialog exec:$prog",
        pairs($ecrt, $ec_p8, $rcrt, $rsa_other));
    my $h = start_httpd($conf, port => $port);
    ok($h->{up}, 'two keys with different pass phrases: the server starts')
        or diag($h->{stderr}, error_log_of($dir));
    my @c = sort @{ calls($plog) };
    is_deeply(\@c, ["localhost:$port ECC", "localhost:$port RSA"],
              '... the program was asked once per key, ECC and RSA');
    my($code) = get_ok($port, 'rsa_pss_rsae_sha256');
    is($code, 200, '... and both keys serve');
    stop_httpd($h);
}

# ---- a wrong pass phrase refuses the start ------------------------------------------
{
    my($prog, $plog) = program('wrong', ECC => 'not-it');
    my($conf, $dir, $port) = key_server_conf('pp-wrong',
        "SSLXPassPhraseDialog exec:$prog", pairs($ecrt, $ec_p8));
    my $h = start_httpd($conf, port => $port, timeout => 20);
    ok(!$h->{up} && $h->{exited} && $h->{rc} != 0,
       'wrong pass phrase: httpd does not start')
        or diag("up=", $h->{up} // '', " exited=", $h->{exited} // '', " rc=", $h->{rc} // '');
    my $text = ($h->{stderr} // '') . error_log_of($dir);
    like($text, qr/\Q$ec_p8\E/, '... the message names the key file');
    like($text, qr/SSLXCertificateKeyFile/, '... and the directive');
    like($text, qr/pass phrase printed by \Q$prog\E is wrong/,
         '... and says the pass phrase was wrong') or diag($text);
    stop_httpd($h);
}
{
    my $prog = write_file("$tmp/fails.sh", "#!/bin/sh\nexit 3\n", 0755);
    my($conf, $dir, $port) = key_server_conf('pp-fails',
        "SSLXPassPhraseDialog exec:$prog", pairs($ecrt, $ec_p8));
    my $h = start_httpd($conf, port => $port, timeout => 20);
    ok(!$h->{up} && $h->{exited}, 'a failing program: httpd does not start');
    my $text = ($h->{stderr} // '') . error_log_of($dir);
    like($text, qr/exited with status 3/, '... saying how it failed')
        or diag($text);
    stop_httpd($h);
}

# ---- directive errors --------------------------------------------------------------
for my $case (['|/bin/cat', qr/pipe dialogs are not supported/],
              ["exec:$tmp/no-such-program", qr/not an existing program/],
              ['askme', qr/expected 'builtin' or 'exec:/]) {
    my($arg, $re) = @$case;
    my($conf) = key_server_conf('pp-arg', "SSLXPassPhraseDialog $arg",
                                pairs($ecrt, pki('localhost.ecdsa.key')));
    my $t = httpd_configtest($conf);
    isnt($t->{rc}, 0, "SSLXPassPhraseDialog $arg: httpd -t fails");
    like($t->{out} . $t->{err}, $re, '... saying why');
}
{
    my($conf) = key_server_conf('pp-vhost', '',
        pairs($ecrt, pki('localhost.ecdsa.key'))
        . "    SSLXPassPhraseDialog builtin\n");
    my $t = httpd_configtest($conf);
    isnt($t->{rc}, 0, 'SSLXPassPhraseDialog in a vhost: httpd -t fails');
}

# ---- builtin: no terminal -------------------------------------------------------------
{
    my($conf, $dir, $port) = key_server_conf('pp-noterm', '',
                                             pairs($ecrt, $ec_p8));
    my $h = start_httpd($conf, port => $port, timeout => 20);
    ok(!$h->{up} && $h->{exited}, 'builtin without a terminal: httpd does '
       . 'not start');
    my $text = ($h->{stderr} // '') . error_log_of($dir);
    like($text, qr/\Q$ec_p8\E.*no terminal/s,
         '... naming the key file and the missing terminal') or diag($text);
    stop_httpd($h);
}

# ---- builtin on a terminal ---------------------------------------------------------------
SKIP: {
    skip 'IO::Pty is missing (libio-pty-perl)', 10 unless have_pty();
    my($conf, $dir, $port) = key_server_conf('pp-tty', '',
        pairs($ecrt, $ec_p8, $rcrt, $rsa_trad));
    my $h = start_httpd_on_pty($conf, port => $port,
                               answers => ['not-it', 'ec-phrase']);
    ok($h->{up}, 'builtin: the server starts after the pass phrase is typed')
        or diag($h->{tty}, error_log_of($dir));
    is($h->{prompts}, 2, '... one wrong try, one right: two prompts for '
       . 'two keys with one phrase') or diag($h->{tty});
    like($h->{tty}, qr/The pass phrase of the private key '(?:\Q$ec_p8\E|\Q$rsa_trad\E)' \(localhost:$port, (?:ECC|RSA)\)/,
         '... the prompt names the key file and the server');
    like($h->{tty}, qr/Incorrect; 2 more tries/, '... and counts the tries');
    unlike($h->{tty}, qr/ec-phrase/, '... the pass phrase is not echoed');
    my($code) = get_ok($port, 'rsa_pss_rsae_sha256');
    is($code, 200, '... and both keys serve');
    ok(graceful_restart($h, $dir, $port), 'graceful restart');
    pty_read($h, 1);
    my $n = () = $h->{tty} =~ /Enter pass phrase: /g;
    is($n, 2, '... shows no new prompt') or diag($h->{tty});
    stop_httpd($h);

    ($conf, $dir, $port) = key_server_conf('pp-tty-wrong', '',
                                           pairs($ecrt, $ec_p8));
    $h = start_httpd_on_pty($conf, port => $port,
                            answers => ['a', 'b', 'c']);
    ok(!$h->{up} && $h->{exited}, 'builtin: three wrong pass phrases stop '
       . 'the start') or diag($h->{tty});
    like($h->{tty} . error_log_of($dir), qr/\Q$ec_p8\E.*wrong 3 times/s,
         '... naming the key file');
    stop_httpd($h);
}
