# Configuration mistakes: httpd -t, or
# startup, fails with a message naming the directive, the file and the
# reason; an expired certificate only warns.  Each case is a small config
# of its own, checked with the same httpd binary the suite uses.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Copy qw(copy);
use SSLXTest;

plan tests => 48;


# conf(NAME, VHOST-BODY) -> (conf file, server root, port)
sub conf {
    my($name, $vhost, %o) = @_;
    my $dir = standalone_dir("cfg-$name");
    my $port = free_port();
    my $conf = "$dir/conf/httpd.conf";
    write_file($conf, <<EOC);
@{[ standalone_conf_head($dir, "info sslx:debug") ]}
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
$vhost
</VirtualHost>
EOC
    return ($conf, $dir, $port);
}

sub pair {
    my($crt, $key) = @_;
    return "    SSLXEngine on\n"
         . "    SSLXCertificateFile \"$crt\"\n"
         . "    SSLXCertificateKeyFile \"$key\"\n";
}

# Runs httpd -t; returns (exit code, all output).
sub configtest {
    my $conf = shift;
    my $r = httpd_configtest($conf);
    return ($r->{rc}, $r->{out} . $r->{err});
}

# Starts httpd in the foreground; returns (handle, output + error log).
sub try_start {
    my($conf, $dir, $port) = @_;
    my $h = start_httpd($conf, port => $port, timeout => 20);
    my $text = ($h->{stderr} // '') . (read_file("$dir/logs/error_log") // '');
    return ($h, $text);
}

my $ecrt = pki('localhost.ecdsa.crt');
my $ekey = pki('localhost.ecdsa.key');

# ---- a good configuration, as a baseline -----------------------------------
{
    my($conf, $dir, $port) = conf('good', pair($ecrt, $ekey));
    my($rc, $out) = configtest($conf);
    is($rc, 0, 'valid configuration: httpd -t succeeds') or diag($out);
    my($h, $text) = try_start($conf, $dir, $port);
    ok($h->{up}, 'valid configuration: the server starts') or diag($text);
    my $r = curl_https(port => $port, host => 'localhost', path => '/ok.txt');
    is($r->{code}, 200, 'valid configuration: HTTPS request served');
    stop_httpd($h);
    my @bad = sslx_log_problems(read_file("$dir/logs/error_log") // '');
    is(scalar(@bad), 0, 'valid configuration: no mod_sslx warnings')
        or diag(join "\n", @bad);
}

# ---- missing certificate and key files ---------------------------------------
{
    my $missing = t_dir() . '/pki/no-such-file.crt';
    my($conf) = conf('missing-cert', pair($missing, $ekey));
    my($rc, $out) = configtest($conf);
    isnt($rc, 0, 'missing certificate file: httpd -t fails');
    like($out, qr/SSLXCertificateFile/, '... the message names SSLXCertificateFile');
    like($out, qr/\Q$missing\E/, '... and the file');
    like($out, qr/does not exist|no such file|not found/i, '... and says it does not exist')
        or diag($out);
}
{
    my $missing = t_dir() . '/pki/no-such-file.key';
    my($conf) = conf('missing-key', pair($ecrt, $missing));
    my($rc, $out) = configtest($conf);
    isnt($rc, 0, 'missing key file: httpd -t fails');
    like($out, qr/SSLXCertificateKeyFile/, '... the message names SSLXCertificateKeyFile');
    like($out, qr/\Q$missing\E/, '... and the file');
    like($out, qr/does not exist|no such file|not found/i, '... and says it does not exist')
        or diag($out);
}

# ---- unreadable key -------------------------------------------------------------
SKIP: {
    skip 'running as root: every file is readable', 6 if $> == 0;
    my $dir0 = standalone_dir('unreadable-key-files');
    my $key = "$dir0/unreadable.key";
    copy($ekey, $key) or die "copy: $!";
    chmod 0000, $key;
    my($conf, $dir, $port) = conf('unreadable-key', pair($ecrt, $key));
    my($rc, $out) = configtest($conf);
    isnt($rc, 0, 'unreadable key: httpd -t fails');
    like($out, qr/SSLXCertificateKeyFile/, '... the message names SSLXCertificateKeyFile');
    like($out, qr/\Q$key\E/, '... and the file');
    like($out, qr/permission denied|not readable|cannot (?:be )?read|unable to read/i,
         '... and says it cannot be read') or diag($out);
    my($h, $text) = try_start($conf, $dir, $port);
    ok(!$h->{up} && $h->{exited} && $h->{rc} != 0, 'unreadable key: startup fails too')
        or diag($text);
    stop_httpd($h);
    like($text, qr/\Q$key\E/, '... naming the file');
    chmod 0600, $key;
}

# ---- key that does not belong to the certificate ------------------------------
{
    my $key = pki('mismatch.key');
    my($conf, $dir, $port) = conf('mismatch', pair($ecrt, $key));
    my($rc, $out) = configtest($conf);
    isnt($rc, 0, 'key not matching the certificate: httpd -t fails');
    like($out, qr/SSLXCertificate(?:Key)?File/, '... the message names the directive');
    like($out, qr/\Q$key\E/, '... and the key file');
    like($out, qr/match|belong|pair/i, '... and says they do not match') or diag($out);
    my($h, $text) = try_start($conf, $dir, $port);
    ok(!$h->{up} && $h->{exited} && $h->{rc} != 0,
       'key not matching the certificate: startup fails') or diag($text);
    stop_httpd($h);
    like($text, qr/\Q$key\E/, '... naming the key file');
}

# ---- a file that is not a certificate --------------------------------------------
{
    my $dir0 = standalone_dir('garbage-files');
    my $bad = write_file("$dir0/garbage.crt", "this is not a certificate\n");
    my($conf, $dir, $port) = conf('garbage', pair($bad, $ekey));
    my($rc, $out) = configtest($conf);
    my($h, $text) = try_start($conf, $dir, $port);
    stop_httpd($h);
    ok($rc != 0 || (!$h->{up} && $h->{exited}),
       'certificate file without a certificate: httpd -t or startup fails')
        or diag($out, $text);
    like("$out$text", qr/\Q$bad\E/, '... naming the file');
}

# ---- SSLXEngine on without a certificate ----------------------------------------
{
    my($conf, $dir, $port) = conf('no-cert', "    SSLXEngine on\n");
    my($rc, $out) = configtest($conf);
    my($h, $text) = try_start($conf, $dir, $port);
    stop_httpd($h);
    ok($rc != 0 || (!$h->{up} && $h->{exited}),
       'SSLXEngine on without a certificate: httpd -t or startup fails')
        or diag($out, $text);
    like("$out$text", qr/SSLXCertificateFile|certificate/i, '... saying a certificate is needed');
}

# ---- bad directive arguments --------------------------------------------------------
for my $c (['SSLXProtocol', 'SSLXProtocol +TLSv9', qr/TLSv9/],
           ['SSLXProtocol', 'SSLXProtocol +SSLv3', qr/SSLv3/],
           ['SSLXPriorities', 'SSLXPriorities "NORMAL:+NONSENSE-ALGO"', qr/NONSENSE-ALGO/],
           ['SSLXEngine', 'SSLXEngine sometimes', qr/sometimes|on|off/i],
           ['SSLXHonorCipherOrder', 'SSLXHonorCipherOrder maybe', qr/on|off/i]) {
    my($directive, $line, $re) = @$c;
    (my $tag = lc $line) =~ s/\W+/-/g;
    my($conf) = conf("arg-$tag", pair($ecrt, $ekey) . "    $line\n");
    my($rc, $out) = configtest($conf);
    isnt($rc, 0, "'$line': httpd -t fails");
    like($out, qr/\Q$directive\E/, "... naming $directive");
    like($out, $re, '... and what is wrong') or diag($out);
}

# ---- an expired certificate: starts, warns ------------------------------------
{
    my $crt = pki('expired.crt');
    my($conf, $dir, $port) = conf('expired', pair($crt, pki('expired.key')));
    my($rc, $out) = configtest($conf);
    is($rc, 0, 'expired certificate: httpd -t succeeds') or diag($out);
    my($h, $text) = try_start($conf, $dir, $port);
    ok($h->{up}, 'expired certificate: the server starts') or diag($text);
    my $r = curl_https(port => $port, host => 'localhost', path => '/ok.txt',
                       insecure => 1);
    is($r->{code}, 200, 'expired certificate: requests are served');
    stop_httpd($h);
    $text = ($h->{stderr} // '') . (read_file("$dir/logs/error_log") // '');
    # Before the error log is open, httpd prints startup messages to stderr
    # without the [module:level] prefix; the tag shows they are mod_sslx's.
    my @warn = grep { /\[sslx:warn\]|^SSLX\d+: / && /expired/i && !/\[sslx:error\]/ }
               split /\n/, $text;
    ok(scalar(@warn), 'expired certificate: mod_sslx warns that it expired')
        or diag($text);
    like("@warn", qr/\Q$crt\E|expired\.sslx\.test/,
         '... naming the certificate (file or subject)');
}
