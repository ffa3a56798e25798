# mod_sslx against mod_ssl.  Two vhosts of the same server, one served by
# mod_sslx (SSLX* directives) and one by Debian's mod_ssl (SSL* directives),
# with the same certificates, the same options and the same CGI.  The same
# client, forced to the same protocol and cipher suite, fetches the CGI
# environment from both: every SSL_* variable (and HTTPS) that mod_ssl sets
# must be set by mod_sslx with the identical value, and mod_sslx must set
# nothing mod_ssl does not -- except the variables listed in %meant_to_differ.
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use SSLXTest;

my @cases = (
    ['TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256', curl =>
     '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
    ['TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384', curl =>
     '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
    ['TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384 (RSA certificate)', curl =>
     '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES256-GCM-SHA384'],
    ['TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305', curl =>
     '--tlsv1.2', '--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
    ['TLS 1.3 TLS_AES_256_GCM_SHA384', curl =>
     '--tlsv1.3', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384'],
    ['TLS 1.3 TLS_AES_128_GCM_SHA256', curl =>
     '--tlsv1.3', '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256'],
    ['TLS 1.3 TLS_CHACHA20_POLY1305_SHA256', curl =>
     '--tlsv1.3', '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256'],
    ['TLS 1.3 without SNI', curl_nosni =>
     '--tlsv1.3', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384'],
    ['TLS 1.3 RSA-PSS signatures only (RSA certificate)', s_client =>
     '-tls1_3', '-ciphersuites', 'TLS_AES_256_GCM_SHA384',
     '-sigalgs', 'rsa_pss_rsae_sha256'],
);

# Variables whose values are meant to differ, each with the reason and what
# both values must look like instead.
my %meant_to_differ = meant_to_differ();

my $ncases = @cases;
plan tests => 4 * $ncases + 2 * 2 + 1, need_cgi,
    need { 'mod_ssl is not installed' => have_modssl() },
    need { 'openssl is needed' => have_cmd('openssl') };

my %port = (sslx => port('sslx_diff'), modssl => port('modssl_diff'));

sub fetch {
    my($which, $how, $path, @args) = @_;
    my $p = $port{$which};
    if ($how eq 's_client') {
        my $r = s_client(port => $p, sni => 'localhost', args => \@args,
                         request => "GET $path HTTP/1.0\r\nHost: localhost\r\n\r\n");
        my $res = $r->{response} || { headers => {}, body => '' };
        return { code => $res->{code}, headers => $res->{headers},
                 env => SSLXTest::parse_env($res->{body}),
                 err => $r->{err} };
    }
    return curl_https(port => $p, path => $path, args => \@args,
                      host => $how eq 'curl_nosni' ? '127.0.0.1' : 'localhost');
}

# Two name => value maps: the list of complaints.
sub compare { compare_with_modssl(@_, \%meant_to_differ) }

# ---- the CGI environment --------------------------------------------------
for my $c (@cases) {
    my($name, $how, @args) = @$c;
    my $x = fetch('sslx', $how, '/export/env.cgi', @args);
    my $m = fetch('modssl', $how, '/export/env.cgi', @args);
    is($m->{code}, 200, "$name: mod_ssl answers") or diag($m->{err});
    is($x->{code}, 200, "$name: mod_sslx answers") or diag($x->{err});
    my($xv, $mv) = (ssl_vars_of($x->{env}), ssl_vars_of($m->{env}));
    ok(scalar(keys %$mv) > 20, "$name: mod_ssl exported its variables");
    my @bad = compare($xv, $mv);
    is(scalar(@bad), 0, "$name: every SSL_* variable as mod_ssl has it")
        or diag(join "\n", @bad);
}

# ---- lookups through mod_headers (including lookup-only variables) -------
for my $c (@cases[0, 4]) {
    my($name, $how, @args) = @$c;
    my $x = fetch('sslx', $how, '/lookup/ok.txt', @args);
    my $m = fetch('modssl', $how, '/lookup/ok.txt', @args);
    is($x->{code}, 200, "$name: lookups answered");
    my @bad = compare(header_lookups($x->{headers}), header_lookups($m->{headers}));
    is(scalar(@bad), 0, "$name: every %{VAR}s lookup as mod_ssl has it")
        or diag(join "\n", @bad);
}

# ---- with mod_ssl loaded, each module keeps its own directives -------------
my $x = curl_https(port => $port{sslx}, host => 'localhost', path => '/std/env.cgi');
my $m = curl_https(port => $port{modssl}, host => 'localhost', path => '/std/env.cgi');
ok(($x->{env}->{SSL_VERSION_INTERFACE} // '') =~ m{^mod_sslx/}
       && ($m->{env}->{SSL_VERSION_INTERFACE} // '') =~ m{^mod_ssl/},
   'SSLX* directives configure mod_sslx, SSL* directives configure mod_ssl')
    or diag("sslx vhost: " . ($x->{env}->{SSL_VERSION_INTERFACE} // 'unset')
            . ", mod_ssl vhost: " . ($m->{env}->{SSL_VERSION_INTERFACE} // 'unset'));
