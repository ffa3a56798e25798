#!/usr/bin/perl
# demo-env.cgi - the demo's page: the TLS variables mod_sslx gave this
# request (SSLXOptions +StdEnvVars +ExportCertData), as an HTML table.
use strict;
use warnings;

sub esc {
    my ($s) = @_;
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    return $s;
}

my @names = grep { /^(HTTPS|SSL_\w+)$/ } sort keys %ENV;
my @context = grep { defined $ENV{$_} }
    qw(SERVER_SOFTWARE SERVER_NAME SERVER_PORT REQUEST_SCHEME HTTP_HOST
       REMOTE_ADDR HTTP_USER_AGENT);

my $rows = '';
for my $name (@names, @context) {
    my $value = esc($ENV{$name});
    # Certificates are multi-line PEM: keep their layout.
    $value = "<pre>$value</pre>" if $value =~ /\n/;
    $rows .= "<tr><th>" . esc($name) . "</th><td>$value</td></tr>\n";
}
my $summary = @names
    ? sprintf('%s, %s', esc($ENV{SSL_PROTOCOL} // '?'), esc($ENV{SSL_CIPHER} // '?'))
    : 'no TLS variables: is SSLXOptions +StdEnvVars set?';

print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print <<"HTML";
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>mod_sslx demo</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left;
         vertical-align: top; }
th { font-family: monospace; background: #f4f4f4; }
td { font-family: monospace; word-break: break-all; }
pre { margin: 0; }
</style>
</head>
<body>
<h1>mod_sslx demo</h1>
<p>This page came over TLS from httpd with mod_sslx (GnuTLS): $summary.</p>
<table>
$rows</table>
<p>The server's certificate: <a href="/localhost.crt">localhost.crt</a>.</p>
</body>
</html>
HTML
