# Debian's own layout: mod_sslx in mods-available as `make install` puts
# it (conf-examples/debian/sslx.load.in and sslx.conf), enabled with
# a2enmod, serves the stock default-ssl site and ports.conf's
# "<IfModule ssl_module> Listen 443" unchanged, with mod_ssl disabled.
#
# Everything happens in a copy of /etc/apache2 under the test's own
# directory: a2enmod/a2ensite are pointed at it (APACHE_CONFDIR,
# APACHE_STATE_DIRECTORY), httpd runs with -d on it, and only the ports,
# the certificate paths and the run/log directories are changed.  The
# real /etc/apache2 is only read.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec::Functions qw(catfile);
use SSLXTest;

my $stock = '/etc/apache2';
my $src = catfile(dirname(t_dir()), 'conf-examples', 'debian');

plan tests => 26,
    need { "no Debian layout in $stock" => -f "$stock/apache2.conf"
                                           && -f "$stock/ports.conf" },
    need { 'a2enmod is needed' => have_cmd('a2enmod') },
    need { 'default-ssl is needed' =>
           -f "$stock/sites-available/default-ssl.conf" },
    need { 'curl is needed' => have_cmd('curl') },
    need { "$src is missing" => -f "$src/sslx.load.in" },
    need { 'mod_ssl is not installed' => have_modssl() },
    need_module('mod_headers.c');

my $dir = standalone_dir('debian_layout');
my $etc = "$dir/apache2";
my($p80, $p443) = (free_port(), free_port());

# ---- the copy ----------------------------------------------------------------
my $r = run_cmd(['cp', '-R', '-P', $stock, $etc], timeout => 60);
ok($r->{rc} == 0 && -f "$etc/apache2.conf", "$stock copied")
    or diag($r->{err});

# What `make install` puts in mods-available, for the module under test.
my $moddir = dirname(Apache::Test::vars('sslx_module'));
my $load = read_file("$src/sslx.load.in");
$load =~ s/\@SSLX_MODULE_DIR\@/$moddir/g;
write_file("$etc/mods-available/sslx.load", $load);
write_file("$etc/mods-available/sslx.conf", read_file("$src/sslx.conf"));

# Only ports, certificates and the certbot-style site below differ from
# the stock files.
sub edit {
    my($file, $code) = @_;
    local $_ = read_file($file);
    $code->();
    write_file($file, $_);
}
edit("$etc/ports.conf", sub {
    s/^Listen 80$/Listen 127.0.0.1:$p80/m;
    s/^(\s*)Listen 443$/$1Listen 127.0.0.1:$p443/mg;
});
edit("$etc/sites-available/000-default.conf",
     sub { s/<VirtualHost \*:80>/<VirtualHost *:$p80>/ });
my $pki = pki();
edit("$etc/sites-available/default-ssl.conf", sub {
    s/<VirtualHost \*:443>/<VirtualHost *:$p443>/;
    s{^(\s*SSLCertificateFile\s+)\S+}{$1$pki/localhost.ecdsa.crt}m;
    s{^(\s*SSLCertificateKeyFile\s+)\S+}{$1$pki/localhost.ecdsa.key}m;
});
my $le_root = "$dir/le-htdocs";
make_path($le_root);
write_file("$le_root/index.html", "the certbot-style site\n");
write_file("$etc/sites-available/le-ssl.conf", <<EOC);
<IfModule mod_ssl.c>
<VirtualHost *:$p443>
    ServerName a.sslx.test
    DocumentRoot "$le_root"
    <Directory "$le_root">
        Require all granted
    </Directory>
    SSLEngine on
    SSLCertificateFile    $pki/a.ecdsa.crt
    SSLCertificateKeyFile $pki/a.ecdsa.key
</VirtualHost>
</IfModule>
EOC

# ---- a2dismod ssl, a2enmod sslx, a2ensite ------------------------------------
my %a2env = (APACHE_CONFDIR => $etc,
             APACHE_STATE_DIRECTORY => "$dir/state");
sub a2 { run_cmd([@_], env => \%a2env, timeout => 60) }

$r = a2('a2dismod', '-q', '-f', 'ssl');
is($r->{rc}, 0, 'a2dismod ssl') or diag($r->{out}, $r->{err});
$r = a2('a2enmod', 'sslx');
is($r->{rc}, 0, 'a2enmod sslx') or diag($r->{out}, $r->{err});
ok(-l "$etc/mods-enabled/sslx.load" && -l "$etc/mods-enabled/sslx.conf",
   '... links sslx.load and sslx.conf');
ok(-e "$etc/mods-enabled/socache_shmcb.load",
   '... and enables what it depends on (socache_shmcb)');
ok(!-e "$etc/mods-enabled/ssl.load", '... with mod_ssl disabled');
$r = a2('a2ensite', 'default-ssl', 'le-ssl');
is($r->{rc}, 0, 'a2ensite default-ssl le-ssl') or diag($r->{out}, $r->{err});

# ---- httpd on the copy ---------------------------------------------------------
# What envvars would set, pointed at the test's directory.
my %env = (
    APACHE_RUN_USER  => scalar getpwuid($<),
    APACHE_RUN_GROUP => scalar getgrgid($(),
    APACHE_RUN_DIR   => "$dir/run",
    APACHE_PID_FILE  => "$dir/run/apache2.pid",
    APACHE_LOCK_DIR  => "$dir/lock",
    APACHE_LOG_DIR   => "$dir/log",
    LANG             => 'C',
);
make_path(map { "$dir/$_" } qw(run lock log state));
my @root = ('-d', $etc, '-f', "$etc/apache2.conf");

$r = run_cmd([httpd_bin(), @root, '-t', '-D', 'DUMP_MODULES'], env => \%env,
             timeout => 60);
is($r->{rc}, 0, 'the copy passes httpd -t') or diag($r->{out}, $r->{err});
like($r->{out}, qr/^\s*sslx_module \(shared\)$/m, '... loads sslx_module');
like($r->{out}, qr/^\s*ssl_module \(shared\)$/m,
     '... and answers to ssl_module');

my $h;
{
    local %ENV = (%ENV, %env);
    $h = start_httpd("$etc/apache2.conf", port => $p443, timeout => 60,
                     args => ['-d', $etc]);
}
END { stop_httpd($h) if $h }
ok($h->{up}, "httpd starts on the copy, listening on port $p443 from "
             . 'ports.conf\'s <IfModule ssl_module>')
    or diag($h->{stderr}, read_file("$dir/log/error.log") // '');

$r = curl_https(port => $p443, host => 'localhost', path => '/');
is($r->{code}, 200, 'default-ssl answers over HTTPS') or diag($r->{err});
is($r->{body}, read_file('/var/www/html/index.html'),
   '... with /var/www/html/index.html');
my $elog = read_file("$dir/log/error.log") // '';
like($elog, qr{AH\d+: Apache/\S+ .*mod_sslx/\S+ GnuTLS/\S+ .*configured}, '... served by mod_sslx');
unlike($elog, qr{OpenSSL/}, '... and mod_ssl is not loaded');

$r = curl_https(port => $p443, host => 'a.sslx.test', path => '/');
is($r->{code}, 200, 'a site inside <IfModule mod_ssl.c> answers (SNI)')
    or diag($r->{err});
is($r->{body}, "the certbot-style site\n", '... with its own documents');

$r = run_cmd(['curl', '-sS', '--max-time', 20, '-o', '/dev/null', '-w',
              '%{http_code}', "http://127.0.0.1:$p80/"]);
is($r->{out}, 200, 'port 80 still serves plain HTTP');
stop_httpd($h);

# ---- mod_ssl enabled as well ---------------------------------------------------
# ssl.load comes first: mod_ssl keeps its name and its directives, and
# sslx.load does not load the ssl_module record.
$r = a2('a2enmod', 'ssl');
is($r->{rc}, 0, 'a2enmod ssl as well') or diag($r->{out}, $r->{err});
$r = run_cmd([httpd_bin(), @root, '-t', '-D', 'DUMP_MODULES'], env => \%env,
             timeout => 60);
is($r->{rc}, 0, 'mod_ssl and mod_sslx together pass httpd -t')
    or diag($r->{out}, $r->{err});
unlike($r->{out} . $r->{err}, qr/already loaded/,
       '... without loading ssl_module twice');
truncate("$dir/log/error.log", 0);
{
    local %ENV = (%ENV, %env);
    $h = start_httpd("$etc/apache2.conf", port => $p443, timeout => 60,
                     args => ['-d', $etc]);
}
$r = curl_https(port => $p443, host => 'localhost', path => '/');
is($r->{code}, 200, '... and default-ssl answers') or diag($r->{err});
like(read_file("$dir/log/error.log") // '',
     qr{AH\d+: Apache/\S+ .*OpenSSL/\S+ .*mod_sslx/\S+ GnuTLS/.*configured},
     '... with both modules loaded');
stop_httpd($h);

# ---- mod_sslx.so loaded before mod_ssl.so ---------------------------------
# mod_ssl reaches its own record through the global symbol ssl_module:
# mod_sslx.so must not define it (mod_sslx_alias.so does).
my $sdir = standalone_dir('sslx_before_modssl');
my($px, $pm) = (free_port(), free_port());
my $mods = Apache::Test::vars('sslx_modulesdir');
write_file("$sdir/conf/httpd.conf", standalone_conf_head($sdir, 'info') . <<EOC);
LoadModule ssl_module "$mods/mod_ssl.so"
Listen 127.0.0.1:$px
Listen 127.0.0.1:$pm
<VirtualHost 127.0.0.1:$px>
    SSLXEngine on
    SSLXCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLXCertificateKeyFile "$pki/localhost.ecdsa.key"
    Header always set X-Interface "%{SSL_VERSION_INTERFACE}s"
</VirtualHost>
<VirtualHost 127.0.0.1:$pm>
    SSLEngine on
    SSLCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLCertificateKeyFile "$pki/localhost.ecdsa.key"
    Header always set X-Interface "%{SSL_VERSION_INTERFACE}s"
</VirtualHost>
EOC
my $s = start_httpd("$sdir/conf/httpd.conf", port => $pm, timeout => 30);
ok($s->{up}, 'mod_sslx loaded before mod_ssl: httpd starts')
    or diag($s->{stderr}, read_file("$sdir/logs/error_log") // '');
$r = curl_https(port => $px, host => 'localhost', path => '/ok.txt');
like($r->{headers}{'x-interface'} // '', qr{^mod_sslx/},
     '... the SSLX* vhost is mod_sslx\'s');
$r = curl_https(port => $pm, host => 'localhost', path => '/ok.txt');
like($r->{headers}{'x-interface'} // '', qr{^mod_ssl/},
     '... the SSL* vhost is mod_ssl\'s') or diag($r->{err});
stop_httpd($s);
