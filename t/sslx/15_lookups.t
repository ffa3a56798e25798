# Other modules asking mod_sslx about the connection: mod_rewrite
# (%{HTTPS}, %{SSL:VAR}), mod_headers (%{VAR}s), ap_expr (<If>,
# Require expr) and mod_log_config (%{VAR}x).
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;
use Time::HiRes qw(time sleep);

plan tests => 33, need_cgi,
    need_module(qw(mod_rewrite.c mod_headers.c mod_log_config.c));

my $port = port('sslx_main');
my @tls12 = ('--tlsv1.2', '--tls-max', '1.2',
             '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256');

sub get {
    my($path, @args) = @_;
    return curl_https(port => $port, host => 'localhost', path => $path,
                      args => \@args);
}

# ---- mod_rewrite --------------------------------------------------------------
my $r = get('/rw/env');
is($r->{code}, 200, 'rewritten to the CGI');
my $env = SSLXTest::parse_env($r->{body});
is($env->{RW_HTTPS}, 'on', 'RewriteRule sees %{HTTPS} = on');
is($env->{RW_PROTOCOL}, 'TLSv1.3', '%{SSL:SSL_PROTOCOL}');
like($env->{RW_CIPHER} // '', qr/^TLS_AES_|^TLS_CHACHA20_/, '%{SSL:SSL_CIPHER}');
is($env->{RW_SNI}, 'localhost', '%{SSL:SSL_TLS_SNI}');

$r = get('/rw/env', @tls12);
$env = SSLXTest::parse_env($r->{body});
is($env->{RW_PROTOCOL}, 'TLSv1.2', 'TLS 1.2: %{SSL:SSL_PROTOCOL}');
is($env->{RW_CIPHER}, 'ECDHE-ECDSA-AES128-GCM-SHA256', 'TLS 1.2: %{SSL:SSL_CIPHER}');

$r = get('/rw/redirect');
is($r->{code}, 200,
   'RewriteCond %{HTTPS} !=on does not fire on a TLS connection')
    or diag("Location: " . ($r->{headers}->{location} // ''));
is($r->{body}, "ok\n", '... and the rule for HTTPS serves the page');

# ---- mod_headers %{VAR}s -------------------------------------------------------
$r = get('/lookup/ok.txt');
is($r->{code}, 200, '/lookup/ answers');
my $h = $r->{headers};
is($h->{'x-l-https'}, 'on', 'Header %{HTTPS}s');
is($h->{'x-l-ssl_protocol'}, 'TLSv1.3', 'Header %{SSL_PROTOCOL}s');
like($h->{'x-l-ssl_cipher'} // '', qr/^TLS_/, 'Header %{SSL_CIPHER}s');
is($h->{'x-l-ssl_tls_sni'}, 'localhost', 'Header %{SSL_TLS_SNI}s');
is($h->{'x-l-ssl_server_s_dn_cn'}, 'localhost', 'Header %{SSL_SERVER_S_DN_CN}s');
is($h->{'x-l-ssl_server_s_dn_ou_1'}, 'TLS',
   'Header %{SSL_SERVER_S_DN_OU_1}s (indexed component)');
is($h->{'x-l-ssl_server_san_dns_1'}, 'localhost.localdomain',
   'Header %{SSL_SERVER_SAN_DNS_1}s');
is($h->{'x-l-ssl_client_verify'}, 'NONE', 'Header %{SSL_CLIENT_VERIFY}s');

# SSL_SERVER_V_REMAIN is only available through lookups (as in mod_ssl):
# whole days until notAfter.
my $end = cert_field(pki('localhost.ecdsa.crt'), 'enddate');
my $r2 = run_cmd(['date', '-u', '-d', $end, '+%s'], timeout => 5);
chomp(my $not_after = $r2->{out});
my $days = int(($not_after - time) / 86400);
my $remain = $h->{'x-l-ssl_server_v_remain'} // '';
ok($remain =~ /^\d+$/ && abs($remain - $days) <= 1,
   "Header %{SSL_SERVER_V_REMAIN}s is the days left ($days)")
    or diag("got '$remain'");

$r = get('/lookup/ok.txt', @tls12);
is($r->{headers}->{'x-l-ssl_cipher'}, 'ECDHE-ECDSA-AES128-GCM-SHA256',
   'TLS 1.2: Header %{SSL_CIPHER}s');

# ---- ap_expr ----------------------------------------------------------------
$r = get('/ok.txt');
is($r->{headers}->{'x-if-protocol'}, 'TLSv1.3',
   q{<If "%{SSL_PROTOCOL} == 'TLSv1.3'"> matches a TLS 1.3 request});
is($r->{headers}->{'x-if-https'}, 'on', q{<If "%{HTTPS} == 'on'">});
$r = get('/ok.txt', @tls12);
is($r->{headers}->{'x-if-protocol'}, 'TLSv1.2', '<ElseIf> for TLS 1.2');

is(get('/tls13only/ok.txt')->{code}, 200,
   q{Require expr %{SSL_PROTOCOL} == 'TLSv1.3': TLS 1.3 allowed});
is(get('/tls13only/ok.txt', @tls12)->{code}, 403,
   '... TLS 1.2 refused with 403');
is(get('/tls12only/ok.txt', @tls12)->{code}, 200,
   'Require expr on SSL_PROTOCOL and SSL_CIPHER: matching request allowed');
is(get('/tls12only/ok.txt')->{code}, 403, '... TLS 1.3 refused with 403');

# ---- mod_log_config %{VAR}x --------------------------------------------------
my $log = SSLXTest::t_logs() . '/sslx_main_log';
my $mark = 'mark' . int(rand(1e9));
get("/ok.txt?$mark");
get("/ok.txt?$mark-12", @tls12);

sub log_line {
    my $re = shift;
    my $deadline = time + 10;    # the access log is written after the response
    while (time < $deadline) {
        my $c = SSLXTest::read_file($log) // '';
        for (split /\n/, $c) { return $_ if $_ =~ $re }
        sleep 0.1;
    }
    return '';
}
my $line = log_line(qr/\Q$mark\E /);
my @f = split /\|/, $line;
is($f[0], 'TLSv1.3', 'CustomLog %{SSL_PROTOCOL}x') or diag("line: $line");
like($f[1] // '', qr/^TLS_/, 'CustomLog %{SSL_CIPHER}x');
is($f[2], 'localhost', 'CustomLog %{SSL_TLS_SNI}x');
is($f[3], 'on', 'CustomLog %{HTTPS}x');
$line = log_line(qr/\Q$mark\E-12 /);
@f = split /\|/, $line;
is($f[0], 'TLSv1.2', 'CustomLog %{SSL_PROTOCOL}x (TLS 1.2)') or diag("line: $line");
is($f[1], 'ECDHE-ECDSA-AES128-GCM-SHA256', 'CustomLog %{SSL_CIPHER}x (TLS 1.2)');
