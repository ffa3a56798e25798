# A configuration written for mod_ssl runs unchanged once its LoadModule
# line loads mod_sslx instead: every directive below has its mod_ssl name.
# This is a separate httpd (its own ServerRoot under t/standalone, its own
# ports) because mod_ssl must not be loaded for mod_sslx to take the names.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use Time::HiRes qw(time sleep);

plan tests => 24, need_cgi;

my $docroot = Apache::Test::vars('documentroot');
my $dir = standalone_dir('modssl-compat');
my($p1, $p2, $p3) = (free_port(), free_port(), free_port());
my $pki = pki();
my $conf = "$dir/conf/httpd.conf";

write_file($conf, <<EOC);
# An ordinary mod_ssl configuration; only the LoadModule line differs.
@{[ standalone_conf_head($dir, "info") ]}
ScriptAlias /cgi/ "$docroot/cgi/"
ScriptAlias /std/ "$docroot/cgi/"

SSLProtocol -all +TLSv1.2 +TLSv1.3
SSLHonorCipherOrder on

Listen 127.0.0.1:$p1
<VirtualHost 127.0.0.1:$p1>
    ServerName localhost
    SSLEngine on
    SSLCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLCertificateKeyFile "$pki/localhost.ecdsa.key"
    SSLCertificateFile    "$pki/localhost.rsa.crt"
    SSLCertificateKeyFile "$pki/localhost.rsa.key"
    SSLStrictSNIVHostCheck off
    <Location /std/>
        SSLOptions +StdEnvVars +ExportCertData
    </Location>
    Header always set X-Cipher "%{SSL_CIPHER}s"
    <If "%{SSL_PROTOCOL} == 'TLSv1.3'">
        Header always set X-If-Protocol "TLSv1.3"
    </If>
    RewriteEngine on
    RewriteCond %{HTTPS} !=on
    RewriteRule ^/ https://localhost:$p1/ [R=301,L]
    CustomLog "$dir/logs/ssl_request_log" "%{SSL_PROTOCOL}x %{SSL_CIPHER}x \\"%r\\""
</VirtualHost>

Listen 127.0.0.1:$p2
<VirtualHost 127.0.0.1:$p2>
    ServerName a.sslx.test
    SSLEngine on
    SSLCertificateFile    "$pki/a.ecdsa.crt"
    SSLCertificateKeyFile "$pki/a.ecdsa.key"
    SSLStrictSNIVHostCheck on
</VirtualHost>
<VirtualHost 127.0.0.1:$p2>
    ServerName b.sslx.test
    SSLEngine on
    SSLCertificateFile    "$pki/b.ecdsa.crt"
    SSLCertificateKeyFile "$pki/b.ecdsa.key"
    SSLStrictSNIVHostCheck on
</VirtualHost>

Listen 127.0.0.1:$p3
<VirtualHost 127.0.0.1:$p3>
    ServerName localhost
    SSLEngine on
    SSLProtocol -all +TLSv1.3
    SSLCertificateFile    "$pki/localhost.ecdsa.crt"
    SSLCertificateKeyFile "$pki/localhost.ecdsa.key"
</VirtualHost>
EOC

my $t = httpd_configtest($conf);
is($t->{rc}, 0, 'httpd -t accepts the mod_ssl configuration')
    or diag($t->{out}, $t->{err});
my $h = start_httpd($conf, port => $p3, timeout => 20);
ok($h->{up}, 'the server starts')
    or diag($h->{stderr}, read_file("$dir/logs/error_log") // '');

my $r = curl_https(port => $p1, host => 'localhost', path => '/std/env.cgi');
is($r->{code}, 200, 'HTTPS request: 200') or diag($r->{err});
my $env = $r->{env} || {};
like($env->{SSL_VERSION_INTERFACE} // '', qr{^mod_sslx/}, 'served by mod_sslx');
is($env->{HTTPS}, 'on', 'HTTPS=on');
is($env->{SSL_PROTOCOL}, 'TLSv1.3', 'SSLOptions +StdEnvVars: SSL_PROTOCOL');
is($env->{SSL_SERVER_CERT}, file_pem(pki('localhost.ecdsa.crt')),
   'SSLOptions +ExportCertData: SSL_SERVER_CERT');
is($r->{headers}->{'x-cipher'}, $env->{SSL_CIPHER}, 'mod_headers %{SSL_CIPHER}s');
is($r->{headers}->{'x-if-protocol'}, 'TLSv1.3', 'ap_expr %{SSL_PROTOCOL}');

$r = curl_https(port => $p1, host => 'localhost', path => '/cgi/env.cgi');
is($r->{code}, 200, 'RewriteCond %{HTTPS} !=on does not redirect HTTPS requests');
ok(!exists $r->{env}->{SSL_PROTOCOL}, 'no SSLOptions outside /std/: no SSL_PROTOCOL');

$r = curl_https(port => $p1, host => 'localhost', path => '/std/env.cgi',
                args => ['--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256']);
is($r->{env}->{SSL_PROTOCOL}, 'TLSv1.2', 'SSLProtocol allows TLS 1.2 at server level');
is($r->{env}->{SSL_SERVER_A_KEY}, 'rsaEncryption', 'second certificate pair is used');

# The access log written with %{VAR}x.
my $line = '';
my $deadline = time + 10;
while (time < $deadline) {
    ($line) = grep { m{"GET /std/env.cgi} } split /\n/,
        (read_file("$dir/logs/ssl_request_log") // '');
    last if $line;
    sleep 0.1;
}
like($line // '', qr/^TLSv1\.3 TLS_\S+ "GET/, 'CustomLog %{SSL_PROTOCOL}x %{SSL_CIPHER}x');

# SSLProtocol in a vhost.
$r = curl_https(port => $p3, host => 'localhost', path => '/ok.txt');
is($r->{code}, 200, 'SSLProtocol -all +TLSv1.3 vhost: TLS 1.3 client served');
$r = curl_https(port => $p3, host => 'localhost', path => '/ok.txt',
                args => ['--tls-max', '1.2']);
is($r->{code}, '000', '... TLS 1.2 client refused');

# Name-based vhosts with SSLStrictSNIVHostCheck on.
$r = curl_https(port => $p2, host => 'b.sslx.test', path => '/ok.txt');
is($r->{code}, 200, 'SNI b.sslx.test: 200 (certificate verified for the name)')
    or diag($r->{err});
$r = curl_https(port => $p2, host => 'a.sslx.test', path => '/ok.txt');
is($r->{code}, 200, 'SNI a.sslx.test: 200');
$r = tls_request(port => $p2, sni => undef,
                 request => "GET /ok.txt HTTP/1.1\r\nHost: a.sslx.test\r\nConnection: close\r\n\r\n");
is($r->{code}, 403, 'SSLStrictSNIVHostCheck on: no SNI gets 403');
$r = tls_request(port => $p2, sni => 'a.sslx.test',
                 request => "GET /ok.txt HTTP/1.1\r\nHost: b.sslx.test\r\nConnection: close\r\n\r\n");
is($r->{code}, 421, 'SNI a, Host b: 421');

stop_httpd($h);
ok($h->{exited}, 'the server stops on SIGTERM');
my $log = read_file("$dir/logs/error_log") // '';
my @bad = sslx_log_problems($log);
is(scalar(@bad), 0, 'no mod_sslx warnings or errors for the mod_ssl directives')
    or diag(join "\n", @bad);
like($log, qr/resuming normal operations/, 'httpd started normally');
like($log, qr/caught SIGTERM, shutting down/, 'and shut down normally');
